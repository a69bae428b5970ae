import type { Request } from 'express';
import { ROUTE_UNMATCHED } from '../metric-names.js';

/*
 * Express 5 keeps only the matched route's own path (`req.route.path`) and the
 * *actual* prefix it was reached under (`req.baseUrl`, e.g. `/users/42`). The
 * template of the prefix is found once per Route object by walking the app's
 * router tree to the layer that holds it, collecting the mount patterns on the
 * way, and is cached in a WeakMap. When a route is reachable under several
 * mounts, the concrete baseUrl picks the one that matches (not cached).
 */

interface RouteLike {
  path: unknown;
}
interface LayerLike {
  route?: RouteLike;
  rawPath?: unknown;
  handle?: { stack?: unknown };
  match?(path: string): false | { path: string };
}
interface AppLike {
  router?: { stack?: LayerLike[] };
  path?(): string;
  parent?: unknown;
}

type Chain = LayerLike[];

interface Ambiguous {
  appPrefix: string;
  chains: Chain[];
}

/** Per Route object: its template, or the mounts to choose from per request. */
const cache = new WeakMap<RouteLike, string | Ambiguous>();
const MAX_DEPTH = 12;

export function routeTemplate(req: Request): string {
  const route = (req as { route?: RouteLike }).route;
  if (!route || typeof route !== 'object') return ROUTE_UNMATCHED;
  let found = cache.get(route);
  if (found === undefined) {
    const resolved = resolve(req, route);
    // The whole template is kept where it is one: the same string every
    // request, whose hash the metrics' and exporter's maps keep.
    found = typeof resolved === 'string' ? join(resolved, pattern(route.path)) : resolved;
    cache.set(route, found);
  }
  if (typeof found === 'string') return found;
  return join(found.appPrefix + pick(found.chains, req.baseUrl), pattern(route.path));
}

function resolve(req: Request, route: RouteLike): string | Ambiguous {
  const app = (req as { app?: AppLike }).app;
  const appPrefix = app?.parent && typeof app.path === 'function' ? trimSlash(app.path()) : '';
  const stack = app?.router?.stack;
  const chains: Chain[] = [];
  if (Array.isArray(stack)) search(stack, route, [], chains, 0);
  if (chains.length === 0) return appPrefix; // not found: the route's own path is still a bounded template
  const templates = new Set(chains.map((c) => appPrefix + chainPrefix(c)));
  if (templates.size === 1) return [...templates][0]!;
  return { appPrefix, chains }; // ambiguous: decide per request
}

function search(stack: LayerLike[], route: RouteLike, chain: Chain, out: Chain[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const layer of stack) {
    if (layer.route === route) out.push(chain);
    else if (!layer.route && layer.handle && Array.isArray(layer.handle.stack)) {
      search(layer.handle.stack as LayerLike[], route, [...chain, layer], out, depth + 1);
    }
  }
}

function pick(chains: Chain[], baseUrl: string): string {
  for (const chain of chains) {
    let rest = baseUrl;
    let ok = true;
    for (const layer of chain) {
      const m = typeof layer.match === 'function' ? layer.match(rest) : false;
      if (!m) {
        ok = false;
        break;
      }
      rest = rest.slice(m.path.length);
    }
    if (ok && (rest === '' || rest === '/')) return chainPrefix(chain);
  }
  return chains[0] ? chainPrefix(chains[0]) : '';
}

function chainPrefix(chain: Chain): string {
  let prefix = '';
  for (const layer of chain) prefix += trimSlash(pattern(layer.rawPath));
  return prefix;
}

function pattern(path: unknown): string {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp) return String(path);
  if (Array.isArray(path)) return path.map(pattern).join('|');
  return '';
}

function trimSlash(p: string): string {
  return p === '/' ? '' : p.endsWith('/') ? p.slice(0, -1) : p;
}

function join(prefix: string, leaf: string): string {
  if (prefix === '') return leaf || '/';
  if (leaf === '/' || leaf === '') return prefix;
  return prefix + (leaf.startsWith('/') ? leaf : `/${leaf}`);
}
