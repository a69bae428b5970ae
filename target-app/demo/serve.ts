import { loadConfig } from '../config.js';
import { openDb } from '../db/index.js';
import { instrumentApp } from '../instrument.js';
import { startServer } from '../server.js';

/** The demo is what people point load tests at, so its rate limits are raised (and it says so). */
export const DEMO_LIMITS = {
  RATE_LIMIT_API_MAX: '1000000',
  RATE_LIMIT_LOGIN_MAX: '1000000',
  RATE_LIMIT_ORDER_MAX: '1000000',
};

/**
 * `npm run demo -- --serve`: the target app on the embedded database (or
 * DATABASE_URL), seeded on first use, with what to try next. Ctrl-C stops it.
 */
export async function serveDemo(): Promise<void> {
  // The demo's own output is the guide, so the app logs only warnings unless asked. The demo is
  // the thing people point load tests at, so its rate limits are raised (and said so below);
  // `npm start` keeps the production defaults. Explicit variables still win.
  const config = loadConfig({ LOG_LEVEL: 'warn', ...DEMO_LIMITS, ...process.env });
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(
    `perflab demo: opening ${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`} ...`,
  );
  const { db, setupDb, instrumentation, shutdown } = instrumentApp(config, await openDb(config));
  const started = performance.now();
  const running = await startServer({ config, db, setupDb, instrumentation, log: instrumentation.logger });
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
  out(`  curl -s ${running.url}/metrics`);
  out();
  const { apiMax, loginMax } = config.rateLimit;
  out(`rate limits raised for load testing: ${apiMax} requests and ${loginMax} failed logins per client`);
  out(`per ${config.rateLimit.windowMs / 60_000} min (npm start keeps 100 and 5).`);
  out();
  out('Ctrl-C to stop.');

  const stop = () => {
    void running
      .close()
      .then(() => db.close())
      .then(shutdown)
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
