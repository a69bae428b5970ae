import type { Express } from 'express';
import { Agent } from 'undici';
import type { AppConfig } from '../../config.js';
import { corsPolicy } from '../../security/cors.js';
import { createRateLimiters } from '../../security/rate-limit.js';
import type { RedisCommander } from '../../security/redis-store.js';
import type { ServiceInstrumentation } from '../shared/instrument-service.js';
import { createServiceApp } from '../shared/service-app.js';
import { proxyTo } from './proxy.js';

export interface GatewayUpstreams {
  users: () => string;
  catalog: () => string;
  orders: () => string;
}

/** Which prefix goes where: the single entry point's whole routing table. */
export const GATEWAY_ROUTES = [
  { prefix: '/api/auth', upstream: 'users' },
  { prefix: '/api/users', upstream: 'users' },
  { prefix: '/api/products', upstream: 'catalog' },
  { prefix: '/api/orders', upstream: 'orders' },
] as const;

export interface GatewayDeps {
  instr: ServiceInstrumentation;
  config: AppConfig;
  upstreams: GatewayUpstreams;
  timeoutMs: number;
  redis?: RedisCommander;
}

/**
 * The gateway: the monolith's edge (request ids, security headers, CORS, the
 * API rate limit, shared through Redis when configured) in front of the
 * services. It parses no body and checks no token: each service does its own
 * validation and authentication.
 */
export function createGatewayApp(d: GatewayDeps): { app: Express; close(): Promise<void> } {
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 256, connect: { timeout: d.timeoutMs } });
  const limiters = createRateLimiters(d.config, d.instr.logger, d.redis);
  const app = createServiceApp({
    instr: d.instr,
    config: d.config,
    parseJson: false,
    trustProxy: d.config.trustProxy,
    async ready() {
      const states = await Promise.all(
        (['users', 'catalog', 'orders'] as const).map(async (name) => {
          const res = await fetch(`${d.upstreams[name]()}/readyz`, {
            signal: AbortSignal.timeout(2_000),
          }).catch(() => undefined);
          return [name, res?.ok ? 'ready' : 'unavailable'] as const;
        }),
      );
      if (states.some(([, s]) => s !== 'ready')) throw new Error('an upstream is not ready');
      return { upstreams: Object.fromEntries(states) };
    },
    routes(a) {
      a.use('/api', corsPolicy(d.config.corsOrigins));
      a.use('/api', limiters.api);
      for (const route of GATEWAY_ROUTES) {
        a.use(
          route.prefix,
          proxyTo({
            target: d.upstreams[route.upstream],
            upstream: route.upstream,
            timeoutMs: d.timeoutMs,
            agent,
            logger: d.instr.logger,
            traceHeaders: (req) => d.instr.scope(req).traceHeaders(),
          }),
        );
      }
    },
  });
  d.instr.logger.info({ rateLimit: limiters.describe(), routes: GATEWAY_ROUTES }, 'gateway settings');
  return { app, close: () => agent.close() };
}
