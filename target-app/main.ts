import { loadConfig } from './config.js';
import { openDb } from './db/index.js';
import { instrumentApp } from './instrument.js';
import { startServer } from './server.js';
import { exitWithError } from './bin/exit.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const rawDb = await openDb(config);
  const { db, setupDb, instrumentation, shutdown } = instrumentApp(config, rawDb);
  const logger = instrumentation.logger;
  const running = await startServer({ config, db, setupDb, instrumentation, log: logger });
  logger.info({ url: running.url, db: db.kind, seeded: running.seeded }, 'target app listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void running
      .close()
      .then(() => db.close())
      .then(shutdown)
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch(exitWithError);
