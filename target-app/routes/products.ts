import type { FlagReader } from '../flags/types.js';
import { notFound } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, ProductPage, ProductResponse } from '../response-schemas.js';
import { IdParams, ProductListQuery } from '../schemas.js';
import type { ProductCache } from '../store/product-cache.js';
import { findProduct, searchProducts } from '../store/products.js';

export const PRODUCT_TAG = 'products';

export function productRoutes(flags: FlagReader, cache: ProductCache): AnyRoute[] {
  const list = defineRoute({
    method: 'get',
    path: '/api/products',
    access: 'public',
    tag: PRODUCT_TAG,
    summary: 'Search products by name, in id order, with keyset paging (summaries: no descriptions)',
    query: ProductListQuery,
    responses: {
      200: { description: 'a page of product summaries', schema: ProductPage },
      ...errorResponses(ErrorResponse, 400, 429),
    },
    handler: async ({ db, query, res }) => {
      res.json(await searchProducts(db, flags, query));
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
      const product = await findProduct(db, flags, cache, params.id);
      if (!product) throw notFound('product');
      res.json(product);
    },
  });

  return [list, get];
}
