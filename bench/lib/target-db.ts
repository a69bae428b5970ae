/**
 * The target app as the probe benches run it: a config with rate limits out
 * of the way and a database migrated and seeded the same way each time, on
 * PostgreSQL (BENCH_DATABASE_URL, in a schema of this process's own, dropped
 * by close()) or else embedded PGlite.
 */
import { loadConfig, type AppConfig } from '../../target-app/config.js';
import { createPgDb, createPgliteDb } from '../../target-app/db/index.js';
import { migrate } from '../../target-app/db/migrate.js';
import type { Db } from '../../target-app/db/types.js';
import { seedDatabase } from '../../target-app/seed.js';

export interface BenchTarget {
  config: AppConfig;
  /** The database as opened: the benches instrument it, or not. */
  db: Db;
  /** Closes the database once its pool is quiet (at most 3 s), and drops the schema. */
  close(): Promise<void>;
}

/** The route every probe bench loads: the seeded user's order history. */
export const ORDER_HISTORY_PATH = '/api/orders?limit=20';

export async function openBenchTarget(schemaTag: string): Promise<BenchTarget> {
  const config = loadConfig({
    NODE_ENV: 'development',
    PORT: '0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_API_MAX: '100000000',
    RATE_LIMIT_LOGIN_MAX: '100000',
    RATE_LIMIT_ORDER_MAX: '100000000',
  });
  const url = process.env.BENCH_DATABASE_URL;
  const schema = `perflab_bench_${schemaTag.replace(/\W/g, '_')}_${process.pid}`;
  const admin = url ? createPgDb({ connectionString: url, poolSize: 1 }) : undefined;
  await admin?.query(`CREATE SCHEMA ${schema}`);
  const db = url ? createPgDb({ connectionString: url, poolSize: 10, schema }) : await createPgliteDb();
  await migrate(db);
  await seedDatabase(db, {
    seed: 42,
    users: 200,
    products: 200,
    orders: 4000,
    seedPassword: config.seedPassword,
    adminPassword: config.adminPassword,
  });
  return {
    config,
    db,
    async close() {
      // Requests cut off by a server's stop still run their queries: closing
      // the pool under them would log "Cannot use a pool after calling end".
      await poolQuiet(db, 3000);
      await db.close();
      await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin?.close();
    },
  };
}

/** Request headers for the seeded user, logged in through the running app at `baseUrl`. */
export async function seededUserHeaders(baseUrl: string, config: AppConfig): Promise<Record<string, string>> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'user1@perflab.local', password: config.seedPassword }),
  });
  if (!login.ok) throw new Error(`logging in the seeded user failed: HTTP ${login.status}`);
  const { token } = (await login.json()) as { token: string };
  return { authorization: `Bearer ${token}` };
}

/**
 * Resolves once no query has run or waited in `db`'s pool for two checks in a
 * row (20 ms apart), or after `maxMs`: requests cut off mid-flight finish
 * their queries before the pool is closed under them.
 */
export async function poolQuiet(db: Db, maxMs: number): Promise<void> {
  const busy = (): boolean => {
    const s = db.poolStats();
    return s.idle < s.total || s.waiting > 0;
  };
  const until = Date.now() + maxMs;
  let quietChecks = 0;
  while (quietChecks < 2 && Date.now() < until) {
    quietChecks = busy() ? 0 : quietChecks + 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
