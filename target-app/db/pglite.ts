import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Db, QueryResult, Queryable } from './types.js';

interface PgliteLike {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[]; affectedRows?: number }>;
}

function wrap(target: PgliteLike): Queryable {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const r = await target.query<Row>(text, params as unknown[]);
      return { rows: r.rows, rowCount: r.rows.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
    },
  };
}

/**
 * Embedded PostgreSQL (WASM) in this process. It has one backend, so every
 * statement is serialized: a transaction uses the handle PGlite gives it and
 * never the root handle, which would wait for the transaction to finish.
 * `dataDir` undefined means in memory (tests).
 */
export async function createPgliteDb(dataDir?: string): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // pg_trgm backs the product-name search index (migration 003).
  const db = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  const root = wrap(db);
  let pending = 0;
  return {
    kind: 'pglite',
    async query<Row>(text: string, params?: readonly unknown[]) {
      pending++;
      try {
        return await root.query<Row>(text, params);
      } finally {
        pending--;
      }
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      pending++;
      try {
        return await db.transaction((tx: Transaction) => fn(wrap(tx)));
      } finally {
        pending--;
      }
    },
    // One backend: "waiting" is everything queued behind the statement running now.
    poolStats: () => ({ total: 1, idle: pending === 0 ? 1 : 0, waiting: Math.max(0, pending - 1) }),
    close: () => db.close(),
  };
}
