import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { notFound } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, ProductPage, ProductResponse } from '../response-schemas.js';
import { IdParams, ProductListQuery } from '../schemas.js';

export interface ProductRow {
  id: number;
  name: string;
  description: string;
  price_cents: number;
  stock: number;
}

export const PRODUCT_COLUMNS = 'id, name, description, price_cents, stock';
/** Archived (deleted) products stay for order history but are invisible to the API. */
export const LIVE_PRODUCT = 'archived_at IS NULL';
export const PRODUCT_TAG = 'products';

export const toProduct = (r: ProductRow) => ({
  id: r.id,
  name: r.name,
  description: r.description,
  priceCents: r.price_cents,
  stock: r.stock,
});

/** Escapes LIKE wildcards so a search for "50%" matches the text, not everything. */
const likePattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function productRoutes(): AnyRoute[] {
  const list = defineRoute({
    method: 'get',
    path: '/api/products',
    access: 'public',
    tag: PRODUCT_TAG,
    summary: 'Search products by name, in id order, with keyset paging',
    query: ProductListQuery,
    responses: {
      200: { description: 'a page of products', schema: ProductPage },
      ...errorResponses(ErrorResponse, 400, 429),
    },
    handler: async ({ db, query, res }) => {
      const afterId = query.cursor ? (decodeCursor(query.cursor, ['number'])[0] as number) : 0;
      const params: unknown[] = [afterId, query.limit + 1];
      let where = `id > $1 AND ${LIVE_PRODUCT}`;
      if (query.q) {
        params.push(likePattern(query.q));
        where += ` AND name ILIKE $3`;
      }
      const { rows } = await db.query<ProductRow>(
        `SELECT ${PRODUCT_COLUMNS} FROM products WHERE ${where} ORDER BY id LIMIT $2`,
        params,
      );
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      res.json({
        items: page.map(toProduct),
        nextCursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null,
      });
    },
  });

  const get = defineRoute({
    method: 'get',
    path: '/api/products/:id',
    access: 'public',
    tag: PRODUCT_TAG,
    summary: 'One product',
    params: IdParams,
    responses: {
      200: { description: 'the product', schema: ProductResponse },
      ...errorResponses(ErrorResponse, 400, 404, 429),
    },
    handler: async ({ db, params, res }) => {
      const { rows } = await db.query<ProductRow>(
        `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1 AND ${LIVE_PRODUCT}`,
        [params.id],
      );
      if (!rows[0]) throw notFound('product');
      res.json(toProduct(rows[0]));
    },
  });

  return [list, get];
}
