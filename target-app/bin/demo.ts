import { loadConfig } from '../config.js';
import { openDb } from '../db/index.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import { exitWithError } from './exit.js';

/**
 * `npm run demo`: the target app on the embedded database (or DATABASE_URL),
 * seeded on first use, with what to try next. Ctrl-C stops it.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(
    `perflab demo: opening ${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`} ...`,
  );
  const db = await openDb(config);
  const started = performance.now();
  const running = await startServer({ config, db, instrumentation: { logger }, log: logger });
  const took = ((performance.now() - started) / 1000).toFixed(1);
  out(running.seeded ? `seeded an empty database in ${took} s` : `reused the seeded database (${took} s)`);
  out();
  out(`target app listening on ${running.url}`);
  out();
  out('try:');
  out(`  curl -s ${running.url}/api/products?limit=3`);
  out(
    `  curl -s -H 'content-type: application/json' -d '{"email":"user1@perflab.local","password":"${config.seedPassword === 'perflab-seed-password' ? config.seedPassword : '$PERFLAB_SEED_PASSWORD'}"}' ${running.url}/api/auth/login`,
  );
  out(`  curl -s ${running.url}/readyz`);
  out();
  out('Ctrl-C to stop.');

  const stop = () => {
    void running
      .close()
      .then(() => db.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(exitWithError);
