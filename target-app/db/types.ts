/** The result of one statement: rows plus the affected/returned row count. */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** Anything that can run one parameterized statement. */
export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * The app's whole view of storage. Real PostgreSQL (pg pool) and embedded
 * PGlite both implement it; nothing above this layer knows which it has.
 */
export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn inside BEGIN/COMMIT on one connection; rolls back if fn throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Connection-pool gauges; PGlite reports a pool of one. */
  poolStats(): PoolStats;
  /**
   * Caps the connections in use at once (the small_pool flag); undefined
   * lifts the cap. Absent where the pool cannot change (PGlite has one backend).
   */
  limitConnections?(max: number | undefined): void;
  close(): Promise<void>;
}
