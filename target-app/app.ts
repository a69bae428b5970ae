import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { requireAuth } from './auth/middleware.js';
import { createTokenService, type TokenService } from './auth/tokens.js';
import type { AppConfig } from './config.js';
import type { Db } from './db/types.js';
import { errorHandler, unknownRoute } from './http/errors.js';
import { requestId } from './http/request-id.js';
import { createLogger } from './logger.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { orderRoutes } from './routes/orders.js';
import { productRoutes } from './routes/products.js';
import { userRoutes } from './routes/users.js';

/** What the probes (or any other instrumentation) hand the app. All optional. */
export interface AppInstrumentation {
  /** Mounted first, so it times everything including rejected requests. */
  middleware?: RequestHandler;
  /** Served at GET /metrics. */
  metricsHandler?: RequestHandler;
  logger?: Logger;
}

export interface AppDeps {
  db: Db;
  config: AppConfig;
  instrumentation?: AppInstrumentation;
  tokens?: TokenService;
}

export const BODY_LIMIT = '100kb';

export function createApp({ db, config, instrumentation = {}, tokens }: AppDeps): Express {
  const logger = instrumentation.logger ?? createLogger(config.logLevel);
  const tokenService = tokens ?? createTokenService(config.jwtSecret);
  const auth = requireAuth(tokenService);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('env', config.env);

  if (instrumentation.middleware) app.use(instrumentation.middleware);
  app.use(requestId);
  if (instrumentation.metricsHandler) app.get('/metrics', instrumentation.metricsHandler);
  app.use(healthRoutes(db));

  app.use('/api', express.json({ limit: BODY_LIMIT, strict: true }));
  app.use('/api/auth', authRoutes(db, tokenService));
  app.use('/api/users', auth, userRoutes(db));
  app.use('/api/products', productRoutes(db));
  app.use('/api/orders', auth, orderRoutes(db));

  app.use(unknownRoute);
  app.use(errorHandler(logger));
  return app;
}
