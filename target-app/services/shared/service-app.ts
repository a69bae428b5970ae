import express, { type Express, type Request } from 'express';
import type { AppConfig } from '../../config.js';
import type { Db } from '../../db/types.js';
import { errorHandler, unknownRoute } from '../../http/errors.js';
import { requestId } from '../../http/request-id.js';
import { securityHeaders } from '../../security/headers.js';
import type { ServiceInstrumentation } from './instrument-service.js';

export const BODY_LIMIT = '100kb';
export const METRICS_PATH = '/metrics';
/** Internal services sit behind the gateway: they believe X-Forwarded-For from private addresses only. */
const INTERNAL_TRUST = 'loopback, linklocal, uniquelocal';

export interface ServiceAppOptions {
  instr: ServiceInstrumentation;
  config: AppConfig;
  /** The service's database; /readyz checks it. Workers and the gateway have none. */
  db?: Db;
  /** Extra readiness check (the gateway asks its upstreams). */
  ready?: () => Promise<Record<string, unknown> | undefined>;
  /** JSON bodies are parsed for the service's routes; the gateway streams them through instead. */
  parseJson?: boolean;
  trustProxy?: AppConfig['trustProxy'] | string;
  routes(app: Express, requestDb: (req: Request) => Db): void;
}

/**
 * The frame every service shares: request ids, security headers, /healthz,
 * /readyz, /metrics of its own registry, its routes, then the JSON 404 and
 * error handler of the monolith, so errors have one shape across services.
 */
export function createServiceApp(o: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('env', o.config.env);
  app.set('trust proxy', o.trustProxy ?? INTERNAL_TRUST);
  app.use(requestId);
  app.use(securityHeaders());
  if (o.parseJson !== false) app.use('/api', express.json({ limit: BODY_LIMIT, strict: true }));
  app.use('/internal', express.json({ limit: BODY_LIMIT, strict: true }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: o.instr.name });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      if (o.db) await o.db.query('SELECT 1');
      const extra = (await o.ready?.()) ?? {};
      res.json({ status: 'ready', service: o.instr.name, ...(o.db ? { db: o.db.kind } : {}), ...extra });
    } catch {
      res.status(503).json({ status: 'unavailable', service: o.instr.name });
    }
  });
  app.get(METRICS_PATH, async (_req, res) => {
    res.setHeader('content-type', o.instr.registry.contentType);
    res.end(await o.instr.registry.metrics());
  });
  const db = o.db;
  o.routes(app, (req) => (db ? o.instr.scope(req).db(db) : (undefined as unknown as Db)));
  app.use(unknownRoute);
  app.use(errorHandler(o.instr.logger, (req) => o.instr.scope(req).logger));
  return app;
}
