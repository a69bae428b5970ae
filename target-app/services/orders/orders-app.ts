import type { Request, Response } from 'express';
import type { Express } from 'express';
import { z } from 'zod';
import { principalOf, requireAuth } from '../../auth/middleware.js';
import type { TokenService } from '../../auth/tokens.js';
import type { AppConfig } from '../../config.js';
import type { Db } from '../../db/types.js';
import { HttpError, notFound } from '../../http/errors.js';
import { parse } from '../../http/validate.js';
import { CreateOrderBody, IdParams, LIMIT_DEFAULT, LIMIT_MAX } from '../../schemas.js';
import { DEGRADED } from '../shared/breaker.js';
import type { ServiceInstrumentation } from '../shared/instrument-service.js';
import { createServiceApp } from '../shared/service-app.js';
import { orderStore, type PricedLine, type StoredOrder } from './order-store.js';
import type { Upstreams } from './upstreams.js';

/** Set on an order answered without the users service: `user` is null because users did not answer. */
export const DEGRADED_HEADER = 'X-Degraded';

/** Long-poll bound: `Prefer: wait=N` (RFC 7240) on GET /api/orders/:id waits at most this long. */
export const MAX_WAIT_SECONDS = 30;
const POLL_MS = 20;
const PREFER_WAIT = /(?:^|[\s,;])wait=(\d{1,6})(?:$|[\s,;])/i;

/** Seconds the client is prepared to wait for a terminal state, from its Prefer header. */
function preferredWaitMs(prefer: string | undefined): number {
  const match = prefer ? PREFER_WAIT.exec(prefer) : null;
  return match ? Math.min(Number(match[1]), MAX_WAIT_SECONDS) * 1000 : 0;
}

const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMIT_MAX).default(LIMIT_DEFAULT),
  cursor: z
    .string()
    .regex(/^\d{1,10}$/, 'must be a cursor returned by the API')
    .transform(Number)
    .optional(),
});

export interface OrdersAppDeps {
  instr: ServiceInstrumentation;
  config: AppConfig;
  db: Db;
  schema: string;
  tokens: TokenService;
  upstreams: Upstreams;
  /** Told after an order (and its outbox event) committed, so the relay publishes now. */
  onOrderCreated(): void;
}

/**
 * The orders service. Placing an order prices it from the catalog, writes the
 * pending order and its `order.created` event in one transaction, and answers
 * 201 at once: payment and stock follow through the saga, and the order's
 * status tells where it stands. Every order shown carries its user, read from
 * the users service through the circuit breaker, or `user: null` and the
 * X-Degraded header while users does not answer.
 */
export function createOrdersApp(d: OrdersAppDeps): Express {
  const store = orderStore(d.schema);
  const auth = requireAuth(d.tokens);

  const withUser = async (req: Request, res: Response, orders: StoredOrder[]) => {
    const headers = d.instr.scope(req).traceHeaders();
    const ids = [...new Set(orders.map((o) => o.userId))];
    const users = new Map<number, { id: number; name: string; email: string } | null>();
    let degraded = false;
    for (const id of ids) {
      const user = await d.upstreams.user(id, headers).catch(() => null);
      if (user === DEGRADED) degraded = true;
      users.set(id, user === DEGRADED ? null : user);
    }
    if (degraded) res.setHeader(DEGRADED_HEADER, 'users');
    return orders.map(({ userId, ...o }) => ({ ...o, user: users.get(userId) ?? null }));
  };

  return createServiceApp({
    instr: d.instr,
    config: d.config,
    db: d.db,
    routes(app, requestDb) {
      app.post('/api/orders', auth, async (req, res) => {
        const body = parse(CreateOrderBody, req.body, 'body');
        const headers = d.instr.scope(req).traceHeaders();
        const products = await d.upstreams.products(
          body.items.map((i) => i.productId),
          headers,
        );
        if (products === DEGRADED)
          throw new HttpError(503, 'UPSTREAM_UNAVAILABLE', 'the catalog does not answer; try again shortly');
        const byId = new Map(products.map((p) => [p.id, p]));
        const lines: PricedLine[] = body.items.map((item, index) => {
          const p = byId.get(item.productId);
          if (!p)
            throw new HttpError(
              422,
              'UNKNOWN_PRODUCT',
              `product ${item.productId} does not exist`,
              `items.${index}.productId`,
            );
          return { productId: p.id, name: p.name, unitPriceCents: p.priceCents, quantity: item.quantity };
        });
        const order = await store.create(requestDb(req), principalOf(res).userId, lines, headers.traceparent);
        d.onOrderCreated();
        const [shown] = await withUser(req, res, [order]);
        res.status(201).location(`/api/orders/${order.id}`).json(shown);
      });
      app.get('/api/orders', auth, async (req, res) => {
        const query = parse(ListQuery, req.query, 'query');
        const page = await store.list(requestDb(req), principalOf(res).userId, query.limit, query.cursor);
        res.json({
          items: await withUser(req, res, page.items),
          nextCursor: page.more && page.lastId !== undefined ? String(page.lastId) : null,
        });
      });
      app.get('/api/orders/:id', auth, async (req, res) => {
        const { id } = parse(IdParams, req.params, 'params');
        const userId = principalOf(res).userId;
        let order = await store.find(requestDb(req), userId, id);
        // `Prefer: wait=N` answers once the saga is done (or the wait is up), so a
        // load test times checkout to its terminal state with one request; the
        // monolith ignores the header (its orders are final at once). Polling the
        // table, not an in-process signal: the saga consumer may run in another replica.
        const until = Date.now() + preferredWaitMs(req.get('prefer'));
        while (order?.status === 'pending' && Date.now() < until && !req.socket.destroyed) {
          await new Promise((r) => setTimeout(r, POLL_MS));
          order = await store.find(requestDb(req), userId, id);
        }
        if (!order) throw notFound('order');
        const [shown] = await withUser(req, res, [order]);
        res.json(shown);
      });
    },
  });
}
