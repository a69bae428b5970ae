import type { Db } from '../db/types.js';
import { FLAG } from '../flags/names.js';
import type { FlagReader } from '../flags/types.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { HttpError } from '../http/errors.js';
import type { ProductCache } from './product-cache.js';

/** SQL for products. Every value is a parameter; archived products are invisible here. */

export interface ProductRow {
  id: number;
  name: string;
  description: string;
  price_cents: number;
  stock: number;
}

export type Product = ReturnType<typeof toProduct>;
export type ProductSummary = ReturnType<typeof toProductSummary>;

export const PRODUCT_COLUMNS = 'id, name, description, price_cents, stock';
/** What a listing shows: no description, the widest column by far. */
export const PRODUCT_SUMMARY_COLUMNS = 'id, name, price_cents, stock';
/** Archived (deleted) products stay for order history but are invisible to the API. */
export const LIVE_PRODUCT = 'archived_at IS NULL';
const OFFSET_CURSOR = 'offset';

export const toProduct = (r: ProductRow) => ({
  id: r.id,
  name: r.name,
  description: r.description,
  priceCents: r.price_cents,
  stock: r.stock,
});

export const toProductSummary = (r: Omit<ProductRow, 'description'>) => ({
  id: r.id,
  name: r.name,
  priceCents: r.price_cents,
  stock: r.stock,
});

/**
 * select_star on: every column, whatever the response needs (a listing then
 * reads each product's 1.5 kB description only to drop it). Off: the projection.
 */
const columns = (flags: FlagReader, projection: string): string =>
  flags.isOn(FLAG.SELECT_STAR) ? '*' : projection;
/** The columns of a product listing, under select_star. */
export const listingColumns = (flags: FlagReader): string => columns(flags, PRODUCT_SUMMARY_COLUMNS);

/** Escapes LIKE wildcards so a search for "50%" matches the text, not everything. */
const likePattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** An offset cursor (offset_pagination) is ["offset", n]; a keyset cursor is [lastId]. */
export function decodeOffsetCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const [kind, offset] = decodeCursor(cursor, ['kind', 'offset']);
  if (kind !== OFFSET_CURSOR) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'cursor: must be a cursor returned by the API', 'cursor');
  }
  return offset as number;
}
export const encodeOffsetCursor = (offset: number): string => encodeCursor([OFFSET_CURSOR, offset]);

export interface ProductSearch {
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * A page of live products in id order, as summaries (a listing shows no descriptions).
 * offset_pagination on: LIMIT/OFFSET, so page k reads and throws away k pages first.
 * Off: keyset (id > last id), so every page costs the same.
 */
export async function searchProducts(
  db: Db,
  flags: FlagReader,
  search: ProductSearch,
): Promise<{ items: ProductSummary[]; nextCursor: string | null }> {
  const byOffset = flags.isOn(FLAG.OFFSET_PAGINATION);
  const params: unknown[] = [search.limit + 1];
  let where = LIVE_PRODUCT;
  let paging = '';
  let offset = 0;
  if (byOffset) {
    offset = decodeOffsetCursor(search.cursor);
    params.push(offset);
    paging = `OFFSET $${params.length}`;
  } else {
    params.push(search.cursor ? (decodeCursor(search.cursor, ['number'])[0] as number) : 0);
    where += ` AND id > $${params.length}`;
  }
  if (search.q) {
    params.push(likePattern(search.q));
    where += ` AND name ILIKE $${params.length}`;
  }
  const { rows } = await db.query<ProductRow>(
    `SELECT ${listingColumns(flags)} FROM products WHERE ${where} ORDER BY id LIMIT $1 ${paging}`,
    params,
  );
  const items = rows.slice(0, search.limit).map(toProductSummary);
  const last = items[items.length - 1];
  const more = rows.length > search.limit && last !== undefined;
  if (!more) return { items, nextCursor: null };
  return {
    items,
    nextCursor: byOffset ? encodeOffsetCursor(offset + items.length) : encodeCursor([last.id]),
  };
}

/**
 * One live product.
 * no_cache on: always the database. Off: read-through cache (TTL, invalidated on writes).
 */
export async function findProduct(
  db: Db,
  flags: FlagReader,
  cache: ProductCache,
  id: number,
): Promise<Product | undefined> {
  const cached = flags.isOn(FLAG.NO_CACHE) ? undefined : await cache.get(id);
  if (cached) return cached;
  const { rows } = await db.query<ProductRow>(
    `SELECT ${columns(flags, PRODUCT_COLUMNS)} FROM products WHERE id = $1 AND ${LIVE_PRODUCT}`,
    [id],
  );
  const product = rows[0] && toProduct(rows[0]);
  if (product && !flags.isOn(FLAG.NO_CACHE)) await cache.set(id, product);
  return product;
}

export interface NewProduct {
  name: string;
  description: string;
  priceCents: number;
  stock: number;
}

export async function createProduct(db: Db, p: NewProduct): Promise<Product> {
  const { rows } = await db.query<ProductRow>(
    `INSERT INTO products (name, description, price_cents, stock) VALUES ($1, $2, $3, $4)
     RETURNING ${PRODUCT_COLUMNS}`,
    [p.name, p.description, p.priceCents, p.stock],
  );
  return toProduct(rows[0] as ProductRow);
}

/** Changes the given fields; undefined for a missing or archived product. */
export async function updateProduct(
  db: Db,
  cache: ProductCache,
  id: number,
  p: Partial<NewProduct>,
): Promise<Product | undefined> {
  // COALESCE keeps a column when the field is absent; every value is a parameter.
  const { rows } = await db.query<ProductRow>(
    `UPDATE products SET name = COALESCE($2, name), description = COALESCE($3, description),
            price_cents = COALESCE($4, price_cents), stock = COALESCE($5, stock)
      WHERE id = $1 AND ${LIVE_PRODUCT} RETURNING ${PRODUCT_COLUMNS}`,
    [id, p.name ?? null, p.description ?? null, p.priceCents ?? null, p.stock ?? null],
  );
  await cache.invalidate(id);
  return rows[0] && toProduct(rows[0]);
}

/** Archives a live product; false when there was none to archive. */
export async function archiveProduct(db: Db, cache: ProductCache, id: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE products SET archived_at = now() WHERE id = $1 AND ${LIVE_PRODUCT}`,
    [id],
  );
  await cache.invalidate(id);
  return rowCount > 0;
}
