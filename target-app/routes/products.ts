import { Router } from 'express';
import type { Db } from '../db/types.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { notFound } from '../http/errors.js';
import { parse } from '../http/validate.js';
import { EmptyQuery, IdParams, ProductListQuery } from '../schemas.js';

export interface ProductRow {
  id: number;
  name: string;
  description: string;
  price_cents: number;
  stock: number;
}

export const PRODUCT_COLUMNS = 'id, name, description, price_cents, stock';

export const toProduct = (r: ProductRow) => ({
  id: r.id,
  name: r.name,
  description: r.description,
  priceCents: r.price_cents,
  stock: r.stock,
});

/** Escapes LIKE wildcards so a search for "50%" matches the text, not everything. */
const likePattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function productRoutes(db: Db): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const query = parse(ProductListQuery, req.query, 'query');
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['number'])[0] as number) : 0;
    const params: unknown[] = [afterId, query.limit + 1];
    let where = 'id > $1';
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
  });

  router.get('/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    parse(EmptyQuery, req.query, 'query');
    const { rows } = await db.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1`, [
      id,
    ]);
    if (!rows[0]) throw notFound('product');
    res.json(toProduct(rows[0]));
  });

  return router;
}
