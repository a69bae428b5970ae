import pg from 'pg';
import type { Db, QueryResult, Queryable } from './types.js';

export interface PgOptions {
  connectionString: string;
  poolSize: number;
  /** Puts every connection on this search_path; tests use it for one schema per file. */
  schema?: string;
}

// int8 (COUNT, SUM) comes back as a string by default; our values stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const r = await client.query(text, params as unknown[]);
      return { rows: r.rows as Row[], rowCount: r.rowCount ?? r.rows.length };
    },
  };
}

export function createPgDb(options: PgOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client that loses its server emits 'error' on the pool; without a
  // listener that would crash the process instead of failing the next query.
  pool.on('error', () => {});
  const gate = createGate();
  const root = wrap(pool);
  return {
    kind: 'postgres',
    async query<Row>(text: string, params?: readonly unknown[]) {
      if (!gate.limited()) return root.query<Row>(text, params);
      await gate.acquire();
      try {
        return await root.query<Row>(text, params);
      } finally {
        gate.release();
      }
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const gated = gate.limited();
      if (gated) await gate.acquire();
      const client = await pool.connect().catch((err: unknown) => {
        if (gated) gate.release();
        throw err;
      });
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
        if (gated) gate.release();
      }
    },
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount + gate.waiting(),
    }),
    limitConnections: (max) => gate.limit(max),
    close: () => pool.end(),
  };
}

/**
 * A counting semaphore in front of the pool, so its effective size can shrink
 * at runtime (pg.Pool's max is fixed once clients exist). Unlimited, it is a
 * single boolean check per query.
 */
function createGate() {
  let max = Infinity;
  let active = 0;
  const queue: (() => void)[] = [];
  const wake = () => {
    while (active < max && queue.length > 0) {
      active++;
      queue.shift()?.();
    }
  };
  return {
    limited: () => max !== Infinity || active > 0,
    waiting: () => queue.length,
    acquire(): Promise<void> {
      if (active < max) {
        active++;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => queue.push(resolve));
    },
    release() {
      active--;
      wake();
    },
    limit(n: number | undefined) {
      max = n ?? Infinity;
      wake();
    },
  };
}
