import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type AppInstrumentation } from './app.js';
import type { AppConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { createFlags, FlagRefusedError, type Flags } from './flags/index.js';
import { PerflabError } from '../common/perflab-error.js';
import { registerFlagEffects } from './store/flag-effects.js';
import { createLeak, type Leak } from './lab/memory-leak.js';
import { FLAG } from './flags/names.js';
import type { Db } from './db/types.js';
import { SEED_DEFAULTS, seedDatabase } from './seed.js';
import { connectRedis } from './security/redis-client.js';

export interface RunningServer {
  server: Server;
  url: string;
  seeded: boolean;
  /** The optimization-lab flags of this instance (what PUT /api/admin/flags switches). */
  flags: Flags;
  /** What the memory_leak flag holds on to. */
  leak: Leak;
  close(): Promise<void>;
}

export interface StartOptions {
  config: AppConfig;
  db: Db;
  /**
   * The database migrations and seeding run through; defaults to `db`. Pass
   * the uninstrumented one so that startup's bulk inserts do not show up as
   * application traffic in the query metrics, spans and slow-query log.
   */
  setupDb?: Db;
  instrumentation?: AppInstrumentation;
  /** Seed an empty database with the default sizes first (what `npm start` does). */
  seedIfEmpty?: boolean;
  log?: Logger;
}

/** Migrates, optionally seeds an empty database, and listens. */
export async function startServer({
  config,
  db,
  setupDb = db,
  instrumentation,
  seedIfEmpty = true,
  log,
}: StartOptions): Promise<RunningServer> {
  await migrate(setupDb);
  let seeded = false;
  if (seedIfEmpty) {
    const { rows } = await setupDb.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    if (rows[0]?.n === 0) {
      log?.info({ db: db.kind, ...SEED_DEFAULTS }, 'empty database: seeding it');
      await seedDatabase(setupDb, {
        ...SEED_DEFAULTS,
        seed: config.seed,
        seedPassword: config.seedPassword,
        adminPassword: config.adminPassword,
      });
      seeded = true;
    }
  }
  const logger = log ?? instrumentation?.logger;
  const flags = createFlags({ initial: config.flags, ...(logger ? { logger } : {}) });
  // Effects act on the raw database, so their DDL is not counted as application traffic.
  registerFlagEffects(flags, setupDb);
  const leak = createLeak(flags);
  flags.effect(FLAG.MEMORY_LEAK, { apply: (on) => (on ? undefined : leak.clear()) });
  await flags.reconcile().catch((err: unknown) => {
    if (err instanceof FlagRefusedError)
      throw new PerflabError('PERFLAB_E_CONFIG', `PERFLAB_FLAGS: ${err.flag}: ${err.message}`);
    throw err;
  });
  // Shared rate-limit counters: connected before listening, closed with the server.
  const redis = config.redisUrl
    ? await connectRedis(config.redisUrl, (err) =>
        logger?.warn({ err: { message: err.message } }, 'redis error'),
      )
    : undefined;
  let server: Server;
  try {
    const app = createApp({
      db,
      config,
      flags,
      leak,
      ...(instrumentation ? { instrumentation } : {}),
      ...(redis ? { redis } : {}),
    });
    server = createServer(instrumentation?.wrap ? instrumentation.wrap(app) : app);
    server.listen(config.port, config.host);
    await once(server, 'listening');
  } catch (err) {
    redis?.disconnect();
    throw err;
  }
  // Load generators keep connections open; keep-alive longer than theirs avoids resets mid-run.
  server.keepAliveTimeout = 65_000;
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    server,
    url: `http://${host}:${port}`,
    seeded,
    flags,
    leak,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis?.quit();
    },
  };
}
