import type { Express } from 'express';
import { z } from 'zod';
import type { AppConfig } from '../../config.js';
import type { Db } from '../../db/types.js';
import { notFound } from '../../http/errors.js';
import { parse } from '../../http/validate.js';
import { IdParams, LIMIT_DEFAULT, LIMIT_MAX } from '../../schemas.js';
import type { ServiceInstrumentation } from '../shared/instrument-service.js';
import { createServiceApp } from '../shared/service-app.js';

interface ProductRow {
  id: number;
  name: string;
  description: string;
  price_cents: number;
  stock: number;
}

const COLUMNS = 'id, name, description, price_cents, stock';
const toProduct = (r: ProductRow) => ({
  id: r.id,
  name: r.name,
  description: r.description,
  priceCents: r.price_cents,
  stock: r.stock,
});

// The cursor is the last id of the page, base64url: opaque to clients, cheap to check.
const cursor = z
  .string()
  .max(20)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by the API')
  .transform((c, ctx) => {
    const id = Number(Buffer.from(c, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(id) || id < 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a cursor returned by the API' });
      return z.NEVER;
    }
    return id;
  });
// PostgreSQL text cannot hold NUL and no search needs control characters.
// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u001F\u007F]*$/;
const ListQuery = z.strictObject({
  q: z.string().trim().max(100).regex(NO_CONTROL, 'must not contain control characters').optional(),
  limit: z.coerce.number().int().min(1).max(LIMIT_MAX).default(LIMIT_DEFAULT),
  cursor: cursor.optional(),
});
const LookupQuery = z.strictObject({
  ids: z
    .string()
    .regex(/^\d{1,10}(,\d{1,10}){0,49}$/, 'comma-separated product ids (at most 50)')
    .transform((s) => s.split(',').map(Number)),
});

const likePattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The catalog service: the public product list and detail, and a priced lookup for orders. */
export function createCatalogApp(deps: {
  instr: ServiceInstrumentation;
  config: AppConfig;
  db: Db;
  schema: string;
}): Express {
  const t = `${deps.schema}.products`;
  return createServiceApp({
    ...deps,
    routes(app, requestDb) {
      app.get('/api/products', async (req, res) => {
        const query = parse(ListQuery, req.query, 'query');
        const params: unknown[] = [query.cursor ?? 0, query.limit + 1];
        let where = 'id > $1';
        if (query.q) {
          params.push(likePattern(query.q));
          where += ' AND name ILIKE $3';
        }
        const { rows } = await requestDb(req).query<ProductRow>(
          `SELECT ${COLUMNS} FROM ${t} WHERE ${where} ORDER BY id LIMIT $2`,
          params,
        );
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        res.json({
          items: page.map(toProduct),
          nextCursor:
            rows.length > query.limit && last ? Buffer.from(String(last.id)).toString('base64url') : null,
        });
      });
      app.get('/api/products/:id', async (req, res) => {
        const { id } = parse(IdParams, req.params, 'params');
        const { rows } = await requestDb(req).query<ProductRow>(`SELECT ${COLUMNS} FROM ${t} WHERE id = $1`, [
          id,
        ]);
        if (!rows[0]) throw notFound('product');
        res.json(toProduct(rows[0]));
      });
      // For the orders service: names and prices come from here, never from the client.
      app.get('/internal/products', async (req, res) => {
        const { ids } = parse(LookupQuery, req.query, 'query');
        const { rows } = await requestDb(req).query<ProductRow>(
          `SELECT ${COLUMNS} FROM ${t} WHERE id = ANY($1::int[]) ORDER BY id`,
          [ids],
        );
        res.json({ items: rows.map(toProduct) });
      });
    },
  });
}
