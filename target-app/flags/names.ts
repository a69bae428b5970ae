/**
 * The optimization lab's switches, in one place. Each names an anti-pattern:
 * on means the slow way, off (the default) the optimized way. docs/lab.md has
 * a section per flag; a test keeps that page and this table in step.
 */
export const FLAG = {
  N_PLUS_ONE: 'n_plus_one',
  MISSING_INDEX: 'missing_index',
  OFFSET_PAGINATION: 'offset_pagination',
  SELECT_STAR: 'select_star',
  NO_CACHE: 'no_cache',
  NO_COMPRESSION: 'no_compression',
  SMALL_POOL: 'small_pool',
  SEQUENTIAL_IO: 'sequential_io',
  NORMALIZED_READS: 'normalized_reads',
  BLOCKING_HASH: 'blocking_hash',
  MEMORY_LEAK: 'memory_leak',
  BUFFERED_EXPORT: 'buffered_export',
  EVENT_LOOP_BLOCK: 'event_loop_block',
  FAULT_HEADERS: 'fault_headers',
} as const;

export type FlagName = (typeof FLAG)[keyof typeof FLAG];

export const FLAG_NAMES: readonly FlagName[] = Object.values(FLAG);

/** One line per flag: what switching it on does. Shown by the admin API consumers and the docs. */
export const FLAG_DESCRIPTIONS: Readonly<Record<FlagName, string>> = {
  n_plus_one: 'order history loads each order’s items with one query per order',
  missing_index: 'drops the order-history, order-items and product-name search indexes',
  offset_pagination: 'products and orders are paged with LIMIT/OFFSET instead of keysets',
  select_star: 'product reads fetch every column, including the long description',
  no_cache: 'product reads always hit the database (no read-through cache)',
  no_compression: 'responses are never compressed',
  small_pool: 'the database pool holds one connection (PostgreSQL only)',
  sequential_io: 'GET /api/users/me/summary runs its queries one after another',
  normalized_reads: 'order details join users and products instead of reading the snapshot columns',
  blocking_hash: 'password hashing runs synchronously on the event loop',
  memory_leak: 'a per-request cache that never evicts (emptied when switched off)',
  buffered_export: 'GET /api/orders/export builds the whole CSV in memory before sending',
  event_loop_block: 'GET /api/reports/sales computes over all orders inline on the event loop',
  fault_headers: 'x-perflab-delay-ms and x-perflab-fail headers inject latency and errors',
};

export const isFlagName = (name: string): name is FlagName =>
  (FLAG_NAMES as readonly string[]).includes(name);
