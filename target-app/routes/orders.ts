import { z } from 'zod';
import { principalOf } from '../auth/middleware.js';
import { exportOrders } from '../store/order-export.js';
import type { FlagReader } from '../flags/types.js';
import type { ProductCache } from '../store/product-cache.js';
import { notFound } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, OrderPage, OrderResponse } from '../response-schemas.js';
import { CreateOrderBody, IdParams, OrderListQuery } from '../schemas.js';
import { createOrder, findOrder, listOrders } from '../store/orders.js';

const TAG = 'orders';

export function orderRoutes(flags: FlagReader, cache: ProductCache): AnyRoute[] {
  const create = defineRoute({
    method: 'post',
    path: '/api/orders',
    access: 'user',
    tag: TAG,
    summary: 'Place an order; prices and the total come from the database',
    body: CreateOrderBody,
    responses: {
      201: { description: 'placed', schema: OrderResponse },
      ...errorResponses(ErrorResponse, 400, 401, 409, 413, 422, 429),
    },
    handler: async ({ db, body, res }) => {
      const order = await createOrder(db, cache, principalOf(res).userId, body.items);
      res.status(201).location(`/api/orders/${order.id}`).json(order);
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/api/orders',
    access: 'user',
    tag: TAG,
    summary: 'The caller’s own orders, newest first',
    query: OrderListQuery,
    responses: {
      200: { description: 'a page of orders', schema: OrderPage },
      ...errorResponses(ErrorResponse, 400, 401, 429),
    },
    handler: async ({ db, query, res }) => {
      res.json(await listOrders(db, flags, principalOf(res).userId, query.limit, query.cursor));
    },
  });

  const get = defineRoute({
    method: 'get',
    path: '/api/orders/:id',
    access: 'user',
    tag: TAG,
    summary: 'One of the caller’s orders; anyone else’s is a 404',
    params: IdParams,
    responses: {
      200: { description: 'the order', schema: OrderResponse },
      ...errorResponses(ErrorResponse, 400, 401, 404, 429),
    },
    handler: async ({ db, params, res }) => {
      const order = await findOrder(db, flags, principalOf(res).userId, params.id);
      if (!order) throw notFound('order');
      res.json(order);
    },
  });

  const exportCsv = defineRoute({
    method: 'get',
    path: '/api/orders/export',
    access: 'user',
    tag: TAG,
    summary: 'The caller’s orders as CSV (an admin gets every order), streamed',
    responses: {
      200: { description: 'CSV, one order a line', schema: z.string(), contentType: 'text/csv' },
      ...errorResponses(ErrorResponse, 400, 401, 429),
    },
    handler: async ({ db, res }) => {
      const principal = principalOf(res);
      res.status(200).type('text/csv').attachment('orders.csv');
      // Backpressure: after a write the socket could not take at once, wait for 'drain'
      // (or the client leaving). One listener each for the whole export, so none pile up.
      let gone = false;
      let wake: (() => void) | undefined;
      res.on('drain', () => wake?.());
      res.once('close', () => {
        gone = true;
        wake?.();
      });
      await exportOrders(db, flags, principal.role === 'admin' ? undefined : principal.userId, {
        async write(chunk) {
          if (res.write(chunk) || gone) return;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        },
        closed: () => gone,
      });
      res.end();
    },
  });

  return [create, list, exportCsv, get];
}
