import type { Logger } from 'pino';
import { createProbes, type Probes, type ProbesOptions } from '../probes/index.js';
import type { AppInstrumentation } from './app.js';
import type { AppConfig } from './config.js';
import type { Db } from './db/types.js';
import { createLogger } from './logger.js';

export interface Instrumented {
  db: Db;
  /** The database as given, for migrations and seeding (see StartOptions.setupDb). */
  setupDb: Db;
  instrumentation: AppInstrumentation & { logger: Logger };
  probes: Probes | undefined;
  shutdown(): Promise<void>;
}

/**
 * Puts the probes around the app: metrics at /metrics, request and DB timing,
 * spans and trace-carrying logs. PERFLAB_PROBES=off runs the app bare, which
 * benchmarks use as their baseline.
 */
export function instrumentApp(config: AppConfig, db: Db, env: NodeJS.ProcessEnv = process.env): Instrumented {
  if (env.PERFLAB_PROBES === 'off') {
    const logger = createLogger(config.logLevel);
    return { db, setupDb: db, instrumentation: { logger }, probes: undefined, shutdown: async () => {} };
  }
  const probes = createProbes({
    serviceName: env.OTEL_SERVICE_NAME ?? 'target-app',
    logLevel: config.logLevel as ProbesOptions['logLevel'],
    // The app passes each request to its queries and logs (forRequest), so it
    // needs no AsyncLocalStorage; PERFLAB_CONTEXT=async-local-storage opts back in.
    context: (env.PERFLAB_CONTEXT?.trim() || 'explicit') as ProbesOptions['context'],
  });
  return {
    db: probes.instrumentDb(db),
    setupDb: db,
    instrumentation: {
      // The whole app wrapped rather than a first middleware: the same probe, cheaper (docs/probes.md).
      wrap: probes.wrap,
      metricsHandler: probes.metricsHandler,
      logger: probes.logger,
      forRequest: probes.forRequest,
      registry: probes.registry,
      cache: probes.cache,
    },
    probes,
    shutdown: () => probes.shutdown(),
  };
}
