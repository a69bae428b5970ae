import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { TokenService } from '../auth/tokens.js';
import type { Db } from '../db/types.js';
import type { Flags } from '../flags/types.js';
import type { ProductCache } from '../store/product-cache.js';
import { defineRoute, type AnyRoute } from '../http/route-table.js';
import { buildOpenApiSpec } from '../openapi/spec.js';
import { adminFlagRoutes } from './admin-flags.js';
import { authRoutes } from './auth.js';
import { healthRoutes } from './health.js';
import { infoRoutes } from './info.js';
import { openApiRoute } from './openapi.js';
import { orderRoutes } from './orders.js';
import { productAdminRoutes } from './product-admin.js';
import { productRoutes } from './products.js';
import { reportRoutes } from './reports.js';
import { userRoutes } from './users.js';

export const METRICS_PATH = '/metrics';
const PROMETHEUS_TEXT = 'text/plain';

export interface RouteTableDeps {
  db: Db;
  tokens: TokenService;
  loginLimiters: RequestHandler[];
  flags: Flags;
  productCache: ProductCache;
  /** The probes' Prometheus handler, when instrumentation provides one. */
  metricsHandler?: RequestHandler;
}

/** Every route the app serves, in one table: it mounts them and documents them. */
export function buildRouteTable({
  db,
  tokens,
  loginLimiters,
  flags,
  productCache,
  metricsHandler,
}: RouteTableDeps): AnyRoute[] {
  const routes: AnyRoute[] = [
    ...healthRoutes(),
    ...infoRoutes(db.kind, flags),
    ...authRoutes({ tokens, loginLimiters, flags }),
    ...userRoutes(flags),
    ...productRoutes(flags, productCache),
    ...productAdminRoutes(productCache),
    ...orderRoutes(flags, productCache),
    ...reportRoutes(flags),
    ...adminFlagRoutes(flags),
  ];
  if (metricsHandler) routes.push(metricsRoute(metricsHandler));
  let spec: object | undefined;
  routes.push(openApiRoute(() => (spec ??= buildOpenApiSpec(routes))));
  return routes;
}

function metricsRoute(handler: RequestHandler): AnyRoute {
  return defineRoute({
    method: 'get',
    path: METRICS_PATH,
    access: 'public',
    tag: 'meta',
    summary: 'Prometheus metrics of this process',
    // Scrapers add no query, but tolerate any rather than fail a scrape.
    query: z.looseObject({}),
    responses: {
      200: { description: 'Prometheus text format', schema: z.string(), contentType: PROMETHEUS_TEXT },
    },
    handler: ({ req, res, next }) => handler(req, res, next),
  });
}
