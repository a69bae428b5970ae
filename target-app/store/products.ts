import type { Db } from '../db/types.js';

/** SQL for products. Every value is a parameter; archived products are invisible here. */

export interface ProductRow {
  id: number;
  name: string;
  description: string;
  price_cents: number;
  stock: number;
}

export type Product = ReturnType<typeof toProduct>;

export const PRODUCT_COLUMNS = 'id, name, description, price_cents, stock';
/** Archived (deleted) products stay for order history but are invisible to the API. */
export const LIVE_PRODUCT = 'archived_at IS NULL';

export const toProduct = (r: ProductRow) => ({
  id: r.id,
  name: r.name,
  description: r.description,
  priceCents: r.price_cents,
  stock: r.stock,
});

/** Escapes LIKE wildcards so a search for "50%" matches the text, not everything. */
const likePattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface ProductSearch {
  q?: string | undefined;
  /** Rows after this id (keyset paging); 0 for the first page. */
  afterId: number;
  /** Rows to return; the store reads one more to know whether a next page exists. */
  limit: number;
}

/** A page of live products in id order, plus whether another page follows. */
export async function searchProducts(
  db: Db,
  search: ProductSearch,
): Promise<{ items: Product[]; more: boolean }> {
  const params: unknown[] = [search.afterId, search.limit + 1];
  let where = `id > $1 AND ${LIVE_PRODUCT}`;
  if (search.q) {
    params.push(likePattern(search.q));
    where += ` AND name ILIKE $3`;
  }
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM products WHERE ${where} ORDER BY id LIMIT $2`,
    params,
  );
  return { items: rows.slice(0, search.limit).map(toProduct), more: rows.length > search.limit };
}

export async function findProduct(db: Db, id: number): Promise<Product | undefined> {
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1 AND ${LIVE_PRODUCT}`,
    [id],
  );
  return rows[0] && toProduct(rows[0]);
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
  return rows[0] && toProduct(rows[0]);
}

/** Archives a live product; false when there was none to archive. */
export async function archiveProduct(db: Db, id: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE products SET archived_at = now() WHERE id = $1 AND ${LIVE_PRODUCT}`,
    [id],
  );
  return rowCount > 0;
}
