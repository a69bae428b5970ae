import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ProbeMetrics } from './metrics/probe-metrics.js';
import type { ResolvedOptions } from './options.js';
import type { Diagnostics } from './diagnostics.js';
import type { ContextMode, TracingMode } from './types.js';

/** What every probe (HTTP middleware, DB wrapper) is built from. Internal. */
export interface ProbeDeps {
  options: ResolvedOptions;
  metrics: ProbeMetrics;
  logger: Logger;
  diag: Diagnostics;
  /** The probes' tracer: startTracing's (a LeanTracer in lean mode), else the global one. */
  tracer: () => Tracer;
  /** Read per use, so tracing started after createProbes is still picked up. */
  mode: () => TracingMode;
  /** Likewise read per use: the context mode startTracing chose, unless options say otherwise. */
  context: () => ContextMode;
}
