import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CacheInstrument } from '../probes/index.js';
import { PerflabError } from '../common/perflab-error.js';
import { adminPages } from './admin/index.js';
import { memoryDenyList, redisDenyList } from './auth/deny-list.js';
import { createTokenService, type TokenService } from './auth/tokens.js';
import type { AppConfig } from './config.js';
import type { Db } from './db/types.js';
import { createFlags, registerFlagGauge, type Flags } from './flags/index.js';
import { configureCursorSecret } from './http/cursor.js';
import { errorHandler, unknownRoute } from './http/errors.js';
import { mountRoutes } from './http/mount-routes.js';
import { requestId } from './http/request-id.js';
import { createLogger } from './logger.js';
import { createProductCache } from './store/product-cache.js';
import { labCompression } from './lab/compression.js';
import { faultHeaders } from './lab/fault-headers.js';
import { createLeak, type Leak } from './lab/memory-leak.js';
import { buildRouteTable } from './routes/index.js';
import { corsPolicy } from './security/cors.js';
import { securityHeaders } from './security/headers.js';
import { httpsRedirect } from './security/https-redirect.js';
import { metricsAccess } from './security/metrics-access.js';
import { NO_STORE_PATHS, noStore } from './security/no-store.js';
import { createRateLimiters } from './security/rate-limit.js';
import type { RedisCommander } from './security/redis-store.js';

/** What the probes (or any other instrumentation) hand the app. All optional. */
export interface AppInstrumentation {
  /** Mounted first, so it times everything including rejected requests. */
  middleware?: RequestHandler;
  /**
   * Wraps the whole app's request listener instead (probes.wrap): the same
   * probe, seeing each request before Express does, which costs less.
   * startServer serves the wrapped listener.
   */
  wrap?: (
    listener: (req: IncomingMessage, res: ServerResponse) => void,
  ) => (req: IncomingMessage, res: ServerResponse) => void;
  /** Served at GET /metrics (loopback only, or behind PERFLAB_METRICS_TOKEN; with METRICS_PORT on that port instead). */
  metricsHandler?: RequestHandler;
  logger?: Logger;
  /**
   * The probes' per-request view (probes.forRequest): handlers get the db
   * bound to their request, and error logs carry the request's trace id,
   * with no AsyncLocalStorage involved.
   */
  forRequest?: (req: IncomingMessage) => { db<D extends Db>(db: D): D; readonly logger: Logger };
  /** The probes' registry: the app adds its own gauges (perflab_flag_enabled) there. */
  registry?: Registry;
  /** The probes' cache hit/miss counters (the product cache reports there). */
  cache?: CacheInstrument;
}

export interface AppDeps {
  db: Db;
  config: AppConfig;
  instrumentation?: AppInstrumentation;
  tokens?: TokenService;
  /** A connected client for the shared rate-limit counters; required when config.redisUrl is set. */
  redis?: RedisCommander;
  /** The optimization-lab flags (startServer wires their effects); default: config.flags, no effects. */
  flags?: Flags;
  /** The memory_leak flag's store (startServer empties it when the flag goes off). */
  leak?: Leak;
}

export const BODY_LIMIT = '100kb';

export function createApp({
  db,
  config,
  instrumentation = {},
  tokens,
  redis,
  flags,
  leak,
}: AppDeps): Express {
  const logger = instrumentation.logger ?? createLogger(config.logLevel);
  const labFlags = flags ?? createFlags({ initial: config.flags, logger });
  if (instrumentation.registry) registerFlagGauge(instrumentation.registry, labFlags);
  if (config.redisUrl && !redis) {
    // Silently counting per instance would multiply every limit by the instance count.
    throw new PerflabError(
      'PERFLAB_E_REDIS_UNAVAILABLE',
      'REDIS_URL is set but no Redis client was given to createApp (startServer connects one)',
    );
  }
  // Logged-out tokens: in Redis (every instance refuses them) when set, else in this process.
  const denyList = redis ? redisDenyList(redis, `${config.rateLimit.prefix}token-deny:`) : memoryDenyList();
  const tokenService = tokens ?? createTokenService(config.jwtSecret, Date.now, denyList);
  configureCursorSecret(config.jwtSecret);
  const limiters = createRateLimiters(config, logger, redis);
  const redirectToHttps = config.env === 'production' && config.trustProxy !== false;

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('env', config.env);
  app.set('trust proxy', config.trustProxy);

  if (instrumentation.middleware) app.use(instrumentation.middleware);
  app.use(requestId);
  if (redirectToHttps) app.use(httpsRedirect());
  app.use(securityHeaders());
  // CORS before the limiter, so a browser can read even the 429.
  app.use('/api', corsPolicy(config.corsOrigins));
  app.use('/api', limiters.api);
  app.use('/api', express.json({ limit: BODY_LIMIT, strict: true }));
  app.use(NO_STORE_PATHS, noStore);
  // With METRICS_PORT, /metrics lives on that listener (server.ts), not here.
  const metricsHandler =
    instrumentation.metricsHandler && config.metrics.port === undefined
      ? guarded(metricsAccess(config.metrics.token), instrumentation.metricsHandler)
      : undefined;
  // The optimization lab's request-level switches (docs/lab.md).
  app.use('/api', faultHeaders(labFlags, logger));
  app.use((leak ?? createLeak(labFlags)).middleware);
  app.use(labCompression(labFlags));
  const routes = buildRouteTable({
    db,
    tokens: tokenService,
    loginLimiters: limiters.login,
    flags: labFlags,
    purchaseLimiter: limiters.purchase,
    denyList,
    infoRuntime: config.infoRuntime,
    productCache: createProductCache({
      redis,
      // One namespace per deployment, next to its rate-limit counters (tests get their own).
      prefix: `${config.rateLimit.prefix.replace(/rl:$/, '')}cache:product:`,
      metrics: instrumentation.cache,
    }),
    ...(metricsHandler ? { metricsHandler } : {}),
  });
  const scope = instrumentation.forRequest;
  mountRoutes(app, routes, tokenService, scope ? (req) => scope(req).db(db) : () => db);
  app.use(
    '/admin',
    adminPages({
      dbFor: scope ? (req) => scope(req).db(db) : () => db,
      flags: labFlags,
      tokens: tokenService,
      denyList,
      secret: config.jwtSecret,
      secureCookies: config.env === 'production',
      limiter: limiters.api,
      loginLimiters: limiters.login,
      logger,
    }),
  );
  app.use(unknownRoute);
  app.use(errorHandler(logger, scope && ((req) => scope(req).logger)));

  // Limits are never switched off silently: whatever is in force is in the log.
  logger.info(
    {
      rateLimit: limiters.describe(),
      corsOrigins: config.corsOrigins,
      trustProxy: config.trustProxy,
      httpsRedirect: redirectToHttps,
      tokenDenyList: denyList.store,
      metrics:
        config.metrics.port !== undefined
          ? 'own port'
          : config.metrics.token
            ? 'bearer token'
            : 'loopback only',
    },
    'security settings',
  );
  if (config.env === 'production' && !redirectToHttps) {
    logger.warn('NODE_ENV=production without TRUST_PROXY: plain HTTP is not redirected to https');
  }
  return app;
}

/** Runs `guard`, then `handler` when the guard lets the request through. */
export function guarded(guard: RequestHandler, handler: RequestHandler): RequestHandler {
  return (req, res, next) => guard(req, res, () => handler(req, res, next));
}
