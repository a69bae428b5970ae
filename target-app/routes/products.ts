import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { notFound } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, ProductPage, ProductResponse } from '../response-schemas.js';
import { IdParams, ProductListQuery } from '../schemas.js';
import { findProduct, searchProducts } from '../store/products.js';

export const PRODUCT_TAG = 'products';

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
      const { items, more } = await searchProducts(db, { q: query.q, afterId, limit: query.limit });
      const last = items[items.length - 1];
      res.json({ items, nextCursor: more && last ? encodeCursor([last.id]) : null });
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
      const product = await findProduct(db, params.id);
      if (!product) throw notFound('product');
      res.json(product);
    },
  });

  return [list, get];
}
