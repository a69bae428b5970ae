import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DEGRADED } from '../shared/breaker.js';
import { createBreaker } from '../shared/breaker.js';
import type { BreakerSettings } from '../shared/services-config.js';
import { upstreamClient, UpstreamError } from '../shared/upstream-client.js';

export interface UserSummary {
  id: number;
  name: string;
  email: string;
}

export interface ProductSummary {
  id: number;
  name: string;
  priceCents: number;
}

/** What orders asks other services, each through a circuit breaker of its own. */
export interface Upstreams {
  /** The user, null when users says there is none, DEGRADED when users does not answer. */
  user(id: number, headers: Record<string, string>): Promise<UserSummary | null | typeof DEGRADED>;
  products(ids: number[], headers: Record<string, string>): Promise<ProductSummary[] | typeof DEGRADED>;
  close(): Promise<void>;
}

const notFound = (err: unknown) => err instanceof UpstreamError && err.status === 404;

export function createUpstreams(o: {
  usersUrl: () => string;
  catalogUrl: () => string;
  breaker: BreakerSettings;
  registry: Registry;
  logger: Logger;
}): Upstreams {
  const users = upstreamClient('users', o.usersUrl, o.breaker.timeoutMs);
  const catalog = upstreamClient('catalog', o.catalogUrl, o.breaker.timeoutMs);
  const deps = { registry: o.registry, logger: o.logger };
  const userBreaker = createBreaker(
    'users',
    (id: number, headers: Record<string, string>) =>
      users.getJson<UserSummary>(`/internal/users/${id}`, headers),
    o.breaker,
    // A deleted account is an answer, not an outage.
    { ...deps, isNotFailure: notFound },
  );
  const catalogBreaker = createBreaker(
    'catalog',
    (ids: number[], headers: Record<string, string>) =>
      catalog
        .getJson<{ items: ProductSummary[] }>(`/internal/products?ids=${ids.join(',')}`, headers)
        .then((r) => r.items),
    o.breaker,
    deps,
  );
  return {
    async user(id, headers) {
      try {
        return await userBreaker.fire(id, headers);
      } catch (err) {
        if (notFound(err)) return null;
        throw err;
      }
    },
    products: (ids, headers) => catalogBreaker.fire(ids, headers),
    async close() {
      userBreaker.shutdown();
      catalogBreaker.shutdown();
      await Promise.all([users.close(), catalog.close()]);
    },
  };
}
