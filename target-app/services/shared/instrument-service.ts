import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { createProbes, type Probes, type ProbesOptions } from '../../../probes/index.js';
import type { AppConfig } from '../../config.js';
import type { Db } from '../../db/types.js';
import { createLogger } from '../../logger.js';
import type { RequestListener } from '../../../probes/index.js';

/** One service's probes: its own service.name, registry, logger and request scope. */
export interface ServiceInstrumentation {
  readonly name: string;
  readonly logger: Logger;
  /** Where the service's own metrics (breaker, saga, bus) register; served at /metrics. */
  readonly registry: Registry;
  readonly probes: Probes | undefined;
  /** The database with the probes around it (query metrics and spans), or as given. */
  db(db: Db): Db;
  /** Wraps the service's request listener (probes.wrap) or returns it as is. */
  wrap(listener: RequestListener): RequestListener;
  /** The request's db and the headers that continue its trace in an outgoing call. */
  scope(req: IncomingMessage): { db(db: Db): Db; traceHeaders(): Record<string, string>; logger: Logger };
  shutdown(): Promise<void>;
}

/**
 * Probes for one service, the way instrument.ts puts them around the
 * monolith; PERFLAB_PROBES=off runs it bare (a logger and an empty registry).
 */
export function instrumentService(
  name: string,
  config: Pick<AppConfig, 'logLevel'>,
  env: NodeJS.ProcessEnv = process.env,
): ServiceInstrumentation {
  if (env.PERFLAB_PROBES === 'off') {
    const logger = createLogger(config.logLevel).child({ service: name });
    return {
      name,
      logger,
      registry: new Registry(),
      probes: undefined,
      db: (db) => db,
      wrap: (l) => l,
      scope: () => ({ db: (db) => db, traceHeaders: () => ({}), logger }),
      shutdown: async () => {},
    };
  }
  const probes = createProbes({
    serviceName: name,
    logLevel: config.logLevel as ProbesOptions['logLevel'],
    context: (env.PERFLAB_CONTEXT?.trim() || 'explicit') as ProbesOptions['context'],
    // One process may run every service: one memory monitor (the gateway's) is enough.
    ...(name === 'gateway' ? {} : { memoryIntervalMs: 0 }),
  });
  return {
    name,
    logger: probes.logger,
    registry: probes.registry,
    probes,
    db: (db) => probes.instrumentDb(db, { poolName: name }),
    wrap: probes.wrap,
    scope: (req) => {
      const s = probes.forRequest(req);
      return { db: (db) => s.db(db), traceHeaders: () => s.traceHeaders(), logger: s.logger };
    },
    shutdown: () => probes.shutdown(),
  };
}
