import { randomBytes } from 'node:crypto';
import { createPgDb } from '../../../../target-app/db/pg.js';
import { createPgliteDb } from '../../../../target-app/db/pglite.js';
import type { Db } from '../../../../target-app/db/types.js';
import type { EventBus } from '../../../../target-app/services/events/types.js';
import { seedServices } from '../../../../target-app/services/seed-services.js';
import { instrumentService } from '../../../../target-app/services/shared/instrument-service.js';
import {
  loadServicesConfig,
  type ServicesConfig,
} from '../../../../target-app/services/shared/services-config.js';
import { startSystem, type RunningSystem, type SystemDeps } from '../../../../target-app/services/system.js';
import { TEST_RATE_LIMITS } from '../../../helpers/app.js';
import { openTestBus, testBusUrl } from './bus.js';
import { gatewayClient, type GatewayClient } from './client.js';

/** Any free port for every service, quiet logs, the tests' raised limits under a prefix of their own. */
export function servicesTestEnv(): Record<string, string> {
  return {
    PORT: '0',
    GATEWAY_PORT: '0',
    USERS_PORT: '0',
    CATALOG_PORT: '0',
    ORDERS_PORT: '0',
    PAYMENTS_PORT: '0',
    INVENTORY_PORT: '0',
    LOG_LEVEL: 'silent',
    ...TEST_RATE_LIMITS,
    RATE_LIMIT_PREFIX: `perflab:test:${randomBytes(6).toString('hex')}:`,
  };
}

export const SYSTEM_SEED = { users: 6, products: 8 } as const;

export interface TestSystem {
  system: RunningSystem;
  config: ServicesConfig;
  db: Db;
  bus: EventBus;
  backend: { db: 'postgres' | 'pglite'; bus: 'jetstream' | 'memory' };
  /** fetch() through the gateway, JSON in and out. */
  request: GatewayClient['request'];
  login: GatewayClient['login'];
  close(): Promise<void>;
}

export interface TestSystemOptions {
  env?: Record<string, string>;
  /** Units of each seeded product. */
  stock?: number;
  random?: SystemDeps['random'];
  /** Probes on (metrics, spans); off by default, the services' own metrics register either way. */
  probes?: boolean;
}

/** Real PostgreSQL (a schema prefix of its own) when the project asks for it, else in-memory PGlite. */
export async function testServicesDb(): Promise<{
  db: Db;
  prefix: string;
  kind: 'postgres' | 'pglite';
  drop(): Promise<void>;
}> {
  const url = process.env.PERFLAB_TEST_DB === 'pglite' ? undefined : process.env.DATABASE_URL;
  const prefix = `perflab_s${randomBytes(5).toString('hex')}_`;
  if (!url) {
    const db = await createPgliteDb();
    return { db, prefix, kind: 'pglite', drop: () => db.close() };
  }
  const db = createPgDb({ connectionString: url, poolSize: 10 });
  return {
    db,
    prefix,
    kind: 'postgres',
    async drop() {
      for (const s of ['users', 'catalog', 'orders', 'payments'])
        await db.query(`DROP SCHEMA IF EXISTS ${prefix}${s} CASCADE`);
      await db.close();
    },
  };
}

/** The services shape in this process, on the project's database and bus, seeded small. */
export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const store = await testServicesDb();
  const bus = await openTestBus();
  const config = loadServicesConfig({
    NODE_ENV: 'test',
    ...servicesTestEnv(),
    SERVICES_SCHEMA_PREFIX: store.prefix,
    ...options.env,
  });
  let system: RunningSystem;
  try {
    system = await startSystem({
      config,
      db: store.db,
      bus,
      instrument: (name) =>
        instrumentService(name, config.app, { PERFLAB_PROBES: options.probes ? 'on' : 'off' }),
      ...(options.random ? { random: options.random } : {}),
    });
    await seedServices(store.db, {
      seed: 7,
      ...SYSTEM_SEED,
      ...(options.stock === undefined ? {} : { stock: options.stock }),
      seedPassword: config.app.seedPassword,
      adminPassword: config.app.adminPassword,
      schemas: config.schemas,
    });
  } catch (err) {
    await bus.close();
    await store.drop();
    throw err;
  }
  const client = gatewayClient(() => system.urls.gateway as string, config.app.seedPassword);
  return {
    system,
    config,
    db: store.db,
    bus,
    backend: { db: store.kind, bus: testBusUrl() ? 'jetstream' : 'memory' },
    request: client.request,
    login: client.login,
    async close() {
      await system.close();
      await bus.close();
      await store.drop();
    },
  };
}
