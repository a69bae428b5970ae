import type { AppConfig } from '../config.js';
import { createPgDb } from './pg.js';
import { createPgliteDb } from './pglite.js';
import type { Db } from './types.js';

export type { Db, Queryable, QueryResult, PoolStats } from './types.js';
export { migrate } from './migrate.js';

/** Real PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise. */
export async function openDb(config: Pick<AppConfig, 'databaseUrl' | 'poolSize' | 'dataDir'>): Promise<Db> {
  if (config.databaseUrl)
    return createPgDb({ connectionString: config.databaseUrl, poolSize: config.poolSize });
  return createPgliteDb(config.dataDir);
}

export { createPgDb, createPgliteDb };
