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
  const root = wrap(pool);
  return {
    kind: 'postgres',
    connection: connectionOf(options.connectionString, options.schema),
    query: root.query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
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
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

/**
 * The server and database a connection string names, for the DB spans'
 * `server.address`, `server.port` and `db.namespace` (`database|schema` when a
 * schema is set). Nothing when the string is not a URL (a key=value string).
 */
function connectionOf(
  connectionString: string,
  schema: string | undefined,
): { host?: string; port: number; namespace?: string } | undefined {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const database = decodeURIComponent(url.pathname.slice(1));
  const namespace = database && schema ? `${database}|${schema}` : database || undefined;
  return {
    ...(host ? { host } : {}),
    port: url.port ? Number(url.port) : 5432,
    ...(namespace ? { namespace } : {}),
  };
}
