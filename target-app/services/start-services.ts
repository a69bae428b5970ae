import type { Logger } from 'pino';
import { openDb } from '../db/index.js';
import { connectRedis } from '../security/redis-client.js';
import { CATALOG_MIGRATIONS } from './catalog/migrations.js';
import { openBus } from './events/open-bus.js';
import { migrateService } from './shared/schema.js';
import { SERVICES_SEED_DEFAULTS, seedServices } from './seed-services.js';
import { busObserver } from './shared/service-metrics.js';
import { instrumentService } from './shared/instrument-service.js';
import type { ServicesConfig } from './shared/services-config.js';
import { startSystem, type RunningSystem, type ServiceName } from './system.js';

export interface StartedServices {
  system: RunningSystem;
  logger: Logger;
  seeded: boolean;
  stop(): Promise<void>;
}

/**
 * What `npm run target -- --mode services` runs: the database (PGlite or
 * DATABASE_URL), the bus (JetStream when NATS_URL is set), Redis for the rate
 * limits when REDIS_URL is set, then the services (all, or `only` one), and
 * an empty users/catalog seeded on first start.
 */
export async function startServices(config: ServicesConfig, only?: ServiceName[]): Promise<StartedServices> {
  const names = only ?? undefined;
  const first = instrumentService(names?.length === 1 ? names[0]! : 'gateway', config.app);
  const db = await openDb(config.app);
  const bus = await openBus(config.natsUrl, {
    ...config.bus,
    name: names?.join(',') ?? 'perflab-services',
    observer: busObserver(first.registry),
  });
  const redis = config.app.redisUrl
    ? await connectRedis(config.app.redisUrl, (err) =>
        first.logger.warn({ err: { message: err.message } }, 'redis error'),
      )
    : undefined;
  const system = await startSystem({
    config,
    db,
    bus,
    ...(names ? { only: names } : {}),
    instrument: (name) =>
      name === (names?.length === 1 ? names[0] : 'gateway') ? first : instrumentService(name, config.app),
    ...(redis ? { redis } : {}),
  });
  // The process that runs users seeds users and catalog (one database) when empty.
  let seeded = false;
  if (!names || names.includes('users')) {
    await migrateService(db, config.schemas.catalog, CATALOG_MIGRATIONS);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${config.schemas.users}.users`,
    );
    if (rows[0]?.n === 0) {
      first.logger.info({ ...SERVICES_SEED_DEFAULTS }, 'empty services database: seeding users and catalog');
      await seedServices(db, {
        seed: config.app.seed,
        ...SERVICES_SEED_DEFAULTS,
        seedPassword: config.app.seedPassword,
        adminPassword: config.app.adminPassword,
        schemas: config.schemas,
      });
      seeded = true;
    }
  }
  return {
    system,
    logger: first.logger,
    seeded,
    async stop() {
      await system.close();
      await bus.close();
      await redis?.quit();
      await db.close();
    },
  };
}
