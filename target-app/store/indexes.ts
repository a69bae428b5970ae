import type { Db } from '../db/types.js';

/**
 * The indexes the missing_index flag takes away (docs/lab.md): the one behind
 * "my orders, newest first", the order_items primary key (the only index that
 * finds an order's items) and the product-name search index. Migrations 001
 * and 003 create them; these definitions must stay identical to those.
 */
interface LabIndex {
  name: string;
  table: string;
  /** CREATE [UNIQUE] INDEX <name> ON <table> ... */
  create: (concurrently: boolean) => string;
  /** Statements that remove it, whatever state a failed build left it in. */
  drop: string[];
}

const concurrently = (on: boolean): string => (on ? 'CONCURRENTLY ' : '');

export const LAB_INDEXES: readonly LabIndex[] = [
  {
    name: 'orders_user_created_idx',
    table: 'orders',
    create: (c) =>
      `CREATE INDEX ${concurrently(c)}orders_user_created_idx ON orders (user_id, created_at DESC, id DESC)`,
    drop: ['DROP INDEX IF EXISTS orders_user_created_idx'],
  },
  {
    // A primary key's index cannot be built concurrently by ADD PRIMARY KEY, but
    // a unique index built concurrently can become the key (see restore()).
    name: 'order_items_pkey',
    table: 'order_items',
    create: (c) =>
      `CREATE UNIQUE INDEX ${concurrently(c)}order_items_pkey ON order_items (order_id, line_no)`,
    drop: [
      'ALTER TABLE order_items DROP CONSTRAINT IF EXISTS order_items_pkey',
      'DROP INDEX IF EXISTS order_items_pkey',
    ],
  },
  {
    name: 'products_name_trgm_idx',
    table: 'products',
    create: (c) =>
      `CREATE INDEX ${concurrently(c)}products_name_trgm_idx ON products USING gin (name perflab_ext.gin_trgm_ops)`,
    drop: ['DROP INDEX IF EXISTS products_name_trgm_idx'],
  },
];

/** Names of the lab's indexes that exist and are valid in the current schema. */
async function validIndexes(db: Db): Promise<Set<string>> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND i.indisvalid AND c.relname = ANY($1::text[])`,
    [LAB_INDEXES.map((i) => i.name)],
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * Drops (present = false) or restores (true) the lab's indexes, then
 * refreshes the planner's statistics. On PostgreSQL indexes are built
 * CONCURRENTLY, so reads and writes go on while they build; PGlite has one
 * backend and builds them inline. Idempotent: only what differs is touched.
 */
export async function setLabIndexes(db: Db, present: boolean): Promise<void> {
  const valid = await validIndexes(db);
  const tables = new Set<string>();
  for (const index of LAB_INDEXES) {
    if (valid.has(index.name) === present) continue;
    tables.add(index.table);
    // An earlier build that failed half-way leaves an invalid index of this name behind.
    for (const statement of index.drop) await db.query(statement);
    if (!present) continue;
    await db.query(index.create(db.kind === 'postgres'));
    if (index.name === 'order_items_pkey') {
      await db.query(
        'ALTER TABLE order_items ADD CONSTRAINT order_items_pkey PRIMARY KEY USING INDEX order_items_pkey',
      );
    }
  }
  if (tables.size > 0) await db.query(`ANALYZE ${[...tables].join(', ')}`);
}
