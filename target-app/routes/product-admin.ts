import { notFound } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, ProductResponse } from '../response-schemas.js';
import { CreateProductBody, IdParams, UpdateProductBody } from '../schemas.js';
import type { ProductCache } from '../store/product-cache.js';
import { archiveProduct, createProduct, updateProduct } from '../store/products.js';
import { PRODUCT_TAG } from './products.js';

/** Product writes: admin only (OWASP API5, function-level authorization). */
export function productAdminRoutes(cache: ProductCache): AnyRoute[] {
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
      const product = await createProduct(db, body);
      res.status(201).location(`/api/products/${product.id}`).json(product);
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
      const product = await updateProduct(db, cache, params.id, body);
      if (!product) throw notFound('product');
      res.json(product);
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
      if (!(await archiveProduct(db, cache, params.id))) throw notFound('product');
      res.status(204).end();
    },
  });

  return [create, update, remove];
}
