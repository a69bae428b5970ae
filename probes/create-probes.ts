import { trace, type Tracer } from '@opentelemetry/api';
import { createCacheInstrument } from './metrics/cache-instrument.js';
import { currentState } from './http/request-state.js';
import { createInstrumentDb } from './db/instrument-db.js';
import { createHttpProbe } from './http/http-probe.js';
import { createLogger } from './logs/logger.js';
import { startMemoryMonitor } from './logs/memory-monitor.js';
import { createMetricsHandler } from './metrics/metrics-handler.js';
import { createMetrics } from './metrics/probe-metrics.js';
import { createForRequest } from './http/request-scope.js';
import { resolveOptions } from './options.js';
import { createDiagnostics } from './diagnostics.js';
import { getTracingState, TRACER_NAME, TRACER_VERSION } from './tracing/global-tracing-state.js';
import type { ContextMode, Probes, ProbesOptions, TracingMode } from './types.js';

/**
 * Creates the probes an Express app wires in: `app.use(probes.middleware)`
 * first (or `http.createServer(probes.wrap(app))`, cheaper),
 * `app.get('/metrics', probes.metricsHandler)`, `probes.logger` as the app
 * logger, `probes.instrumentDb(db)` around the database and `probes.cache` for
 * cache outcomes; in `explicit` context mode, `probes.forRequest(req).db(db)`
 * in handlers. Options are validated here (PerflabError on a bad one).
 * Tracing itself is started separately, before express loads (probes/register.ts
 * or startTracing()); without it, no spans are made and the rest still works.
 */
export function createProbes(options: ProbesOptions): Probes {
  const o = resolveOptions(options);
  const { logger, flush } = createLogger(o);
  const diag = createDiagnostics(() => logger);
  const metrics = createMetrics(o.registry, o.exemplars, o.defaultMetrics);
  const globalTracer = trace.getTracer(TRACER_NAME, TRACER_VERSION);
  // Tracing started unnamed (probes/register.ts without OTEL_SERVICE_NAME): the app's name is the service's.
  getTracingState()?.nameService?.(o.serviceName);
  const tracer = (): Tracer => getTracingState()?.tracer ?? globalTracer;
  const mode = (): TracingMode => o.tracing ?? getTracingState()?.mode ?? 'lean';
  const context = (): ContextMode => o.context ?? getTracingState()?.context ?? 'async-local-storage';
  const deps = { options: o, metrics, logger, diag, tracer, mode, context };
  const memory = startMemoryMonitor(logger, diag, o.memoryIntervalMs, o.heapThresholdBytes);
  let closed: Promise<void> | undefined;
  const http = createHttpProbe(deps);

  return {
    serviceName: o.serviceName,
    middleware: http.middleware,
    wrap: http.wrap,
    metricsHandler: createMetricsHandler(o.registry, diag),
    logger,
    registry: o.registry,
    cache: createCacheInstrument(metrics, diag),
    instrumentDb: createInstrumentDb(deps),
    forRequest: createForRequest(deps),
    currentRequest() {
      const s = currentState();
      return s ? { queries: s.queries, queryDurationSeconds: s.queryDurationSeconds } : undefined;
    },
    shutdown() {
      closed ??= (async () => {
        memory.stop();
        try {
          await getTracingState()?.forceFlush();
        } catch (err) {
          diag.report('shutdown', err);
        }
        await flush();
      })();
      return closed;
    },
  };
}
