import type { Express, Request, RequestHandler } from 'express';
import { requireAuth, requireRole } from '../auth/middleware.js';
import type { TokenService } from '../auth/tokens.js';
import type { Db } from '../db/types.js';
import { EmptyQuery } from '../schemas.js';
import type { AnyRoute } from './route-table.js';
import { parse } from './validate.js';

/**
 * Registers every route on the app itself under its full template path, so
 * `req.route.path` is the whole template and introspection needs no mount
 * prefixes. Order per route: authentication (401 before anything else can
 * leak), role (403), the route's own middleware, then validation of params,
 * query and body, and the handler.
 */
export function mountRoutes(
  app: Express,
  routes: readonly AnyRoute[],
  tokens: TokenService,
  requestDb: (req: Request) => Db,
): void {
  const auth = requireAuth(tokens);
  // The role is confirmed against the database, not only read from the token.
  const admin = requireRole('admin', requestDb);
  for (const route of routes) {
    const chain: RequestHandler[] = [];
    if (route.access !== 'public') chain.push(auth);
    if (route.access === 'admin') chain.push(admin);
    chain.push(...(route.before ?? []));
    chain.push(async (req, res, next) => {
      const params: unknown = route.params ? parse(route.params, req.params, 'params') : {};
      const query: unknown = parse(route.query ?? EmptyQuery, req.query, 'query');
      const body: unknown = route.body ? parse(route.body, req.body, 'body') : undefined;
      await route.handler({ db: requestDb(req), params, query, body, req, res, next });
    });
    app[route.method](route.path, ...chain);
  }
}
