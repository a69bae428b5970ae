import { randomBytes } from 'node:crypto';
import { openBus } from '../../../../target-app/services/events/open-bus.js';
import type { EventBus } from '../../../../target-app/services/events/types.js';
import { CATALOG_MIGRATIONS } from '../../../../target-app/services/catalog/migrations.js';
import { seedServices } from '../../../../target-app/services/seed-services.js';
import { migrateService } from '../../../../target-app/services/shared/schema.js';
import {
  loadServicesConfig,
  type ServicesConfig,
} from '../../../../target-app/services/shared/services-config.js';
import { USERS_MIGRATIONS } from '../../../../target-app/services/users/migrations.js';
import { withCleanup } from './bus.js';
import { servicesTestEnv, SYSTEM_SEED, testServicesDb } from './system.js';

/**
 * The multi-process fault tests need what CI runs: PostgreSQL (shared by the
 * processes, which PGlite cannot be) and NATS. They run in the api-postgres
 * project when both are set.
 */
export const realServices =
  process.env.PERFLAB_TEST_DB !== 'pglite' &&
  Boolean(process.env.DATABASE_URL) &&
  Boolean(process.env.NATS_URL);

export interface RealSetup {
  env: Record<string, string>;
  config: ServicesConfig;
  db: Awaited<ReturnType<typeof testServicesDb>>;
  bus: EventBus;
  close(): Promise<void>;
}

/** A seeded schema prefix and a bus namespace of their own, and the env that hands both to child processes. */
export async function realSetup(extra: Record<string, string> = {}, stock = 40): Promise<RealSetup> {
  const db = await testServicesDb();
  const namespace = `t${randomBytes(5).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: process.env.DATABASE_URL as string,
    NATS_URL: process.env.NATS_URL as string,
    BUS_NAMESPACE: namespace,
    BUS_ACK_WAIT_MS: '1500',
    SERVICES_SCHEMA_PREFIX: db.prefix,
    ...servicesTestEnv(),
    ...extra,
  };
  const config = loadServicesConfig(env);
  await migrateService(db.db, config.schemas.users, USERS_MIGRATIONS);
  await migrateService(db.db, config.schemas.catalog, CATALOG_MIGRATIONS);
  await seedServices(db.db, {
    seed: 7,
    ...SYSTEM_SEED,
    stock,
    seedPassword: config.app.seedPassword,
    adminPassword: config.app.adminPassword,
    schemas: config.schemas,
  });
  const bus = withCleanup(await openBus(config.natsUrl, { ...config.bus }), config.natsUrl, namespace);
  return {
    env,
    config,
    db,
    bus,
    async close() {
      await bus.close();
      await db.drop();
    },
  };
}
