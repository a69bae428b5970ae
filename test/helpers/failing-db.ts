import type { Db } from '../../target-app/db/types.js';

/**
 * Wraps a real Db so that any statement whose parameters mention `marker` is
 * swapped for `failure` (SQL and parameters) on the same database: a product
 * search for the marker then fails inside the driver, like a real bug would.
 */
export function failingOn(db: Db, marker: string, failure: { sql: string; params?: readonly unknown[] }): Db {
  return {
    ...db,
    kind: db.kind,
    transaction: (fn) => db.transaction(fn),
    poolStats: () => db.poolStats(),
    close: () => db.close(),
    query: (text, params) =>
      params?.some((p) => typeof p === 'string' && p.includes(marker))
        ? db.query(failure.sql, failure.params ?? params)
        : db.query(text, params),
  };
}
