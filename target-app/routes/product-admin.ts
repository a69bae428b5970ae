import { notFound } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, ProductResponse } from '../response-schemas.js';
import { CreateProductBody, IdParams, UpdateProductBody } from '../schemas.js';
import { LIVE_PRODUCT, PRODUCT_COLUMNS, PRODUCT_TAG, toProduct, type ProductRow } from './products.js';

/** Product writes: admin only (OWASP API5, function-level authorization). */
export function productAdminRoutes(): AnyRoute[] {
  const create = defineRoute({
    method: 'post',
    path: '/api/products',
    access: 'admin',
    tag: PRODUCT_TAG,
    summary: 'Create a product (admin)',
    body: CreateProductBody,
    responses: {
      201: { description: 'created', schema: ProductResponse },
      ...errorResponses(ErrorResponse, 400, 401, 403, 413, 429),
    },
    handler: async ({ db, body, res }) => {
      const { rows } = await db.query<ProductRow>(
        `INSERT INTO products (name, description, price_cents, stock) VALUES ($1, $2, $3, $4)
         RETURNING ${PRODUCT_COLUMNS}`,
        [body.name, body.description, body.priceCents, body.stock],
      );
      const product = rows[0] as ProductRow;
      res.status(201).location(`/api/products/${product.id}`).json(toProduct(product));
    },
  });

  const update = defineRoute({
    method: 'patch',
    path: '/api/products/:id',
    access: 'admin',
    tag: PRODUCT_TAG,
    summary: 'Change a product’s name, description, price or stock (admin)',
    params: IdParams,
    body: UpdateProductBody,
    responses: {
      200: { description: 'the updated product', schema: ProductResponse },
      ...errorResponses(ErrorResponse, 400, 401, 403, 404, 413, 429),
    },
    handler: async ({ db, params, body, res }) => {
      // COALESCE keeps a column when the field is absent; every value is a parameter.
      const { rows } = await db.query<ProductRow>(
        `UPDATE products SET name = COALESCE($2, name), description = COALESCE($3, description),
                price_cents = COALESCE($4, price_cents), stock = COALESCE($5, stock)
          WHERE id = $1 AND ${LIVE_PRODUCT} RETURNING ${PRODUCT_COLUMNS}`,
        [params.id, body.name ?? null, body.description ?? null, body.priceCents ?? null, body.stock ?? null],
      );
      if (!rows[0]) throw notFound('product');
      res.json(toProduct(rows[0]));
    },
  });

  const remove = defineRoute({
    method: 'delete',
    path: '/api/products/:id',
    access: 'admin',
    tag: PRODUCT_TAG,
    summary: 'Archive a product: it disappears from the API, past orders keep it (admin)',
    params: IdParams,
    responses: {
      204: { description: 'archived' },
      ...errorResponses(ErrorResponse, 400, 401, 403, 404, 429),
    },
    handler: async ({ db, params, res }) => {
      const { rowCount } = await db.query(
        `UPDATE products SET archived_at = now() WHERE id = $1 AND ${LIVE_PRODUCT}`,
        [params.id],
      );
      if (rowCount === 0) throw notFound('product');
      res.status(204).end();
    },
  });

  return [create, update, remove];
}
