import { randomBytes } from 'node:crypto';
import { createPgDb } from '../../target-app/db/pg.js';
import { createPgliteDb } from '../../target-app/db/pglite.js';
import { migrate } from '../../target-app/db/migrate.js';
import type { Db } from '../../target-app/db/types.js';

type Testcontainers = typeof import('testcontainers'); // eslint-disable-line @typescript-eslint/consistent-type-imports

export interface TestDb {
  db: Db;
  /** Where it came from, for test names and failure messages. */
  source: 'DATABASE_URL' | 'testcontainers' | 'pglite';
  cleanup(): Promise<void>;
}

const RUNTIME_PROBE_MS = 3_000;

/**
 * Picks the database for one test file: DATABASE_URL first (a schema of its
 * own, so files run in parallel); else PostgreSQL in a container when a
 * container runtime answers within 3 s; else in-memory PGlite.
 * PERFLAB_TEST_DB=pglite (the api-embedded project) forces PGlite.
 */
export async function createTestDb(): Promise<TestDb> {
  const forced = process.env.PERFLAB_TEST_DB;
  if (forced !== 'pglite') {
    if (process.env.DATABASE_URL) return schemaDb(process.env.DATABASE_URL, 'DATABASE_URL');
    const container = await containerDb();
    if (container) return container;
  }
  const db = await createPgliteDb();
  await migrate(db);
  return { db, source: 'pglite', cleanup: () => db.close() };
}

async function schemaDb(
  url: string,
  source: TestDb['source'],
  extraCleanup?: () => Promise<void>,
): Promise<TestDb> {
  const schema = `perflab_t_${randomBytes(6).toString('hex')}`;
  const admin = createPgDb({ connectionString: url, poolSize: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = createPgDb({ connectionString: url, poolSize: 10, schema });
  await migrate(db);
  return {
    db,
    source,
    async cleanup() {
      await db.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
      await extraCleanup?.();
    },
  };
}

async function containerDb(): Promise<TestDb | undefined> {
  let tc: Testcontainers;
  try {
    tc = await import('testcontainers');
    const probe = tc.getContainerRuntimeClient();
    const timeout = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error('no container runtime')), RUNTIME_PROBE_MS).unref();
    });
    await Promise.race([probe, timeout]);
  } catch {
    return undefined;
  }
  const container = await new tc.GenericContainer('postgres:16-alpine')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'test' })
    .withExposedPorts(5432)
    .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const url = `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/test`;
  return schemaDb(url, 'testcontainers', async () => {
    await container.stop();
  });
}
