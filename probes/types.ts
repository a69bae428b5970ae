import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger, DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import type { NodeTracerProvider, Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';

/** A Node request listener: what `http.createServer` takes, and what an Express app is. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The result of one statement, as pg and PGlite return it. */
export interface QueryResultLike {
  rows: unknown[];
  rowCount: number | null;
}

/** Anything that runs one parameterized statement (a pool, a client, a transaction). */
export interface QueryableLike {
  query(text: string, params?: readonly unknown[]): Promise<QueryResultLike>;
}

export interface PoolStatsLike {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * The structural shape `instrumentDb` wraps. `transaction` and `poolStats` are
 * optional, so a bare pg Pool-like object works as well as the target app's Db.
 */
export interface DbLike extends QueryableLike {
  readonly kind?: string;
  /** Where the database is, for `server.address`, `server.port` and `db.namespace` on DB spans. */
  readonly connection?: DbConnectionLike;
  transaction?<T>(fn: (tx: QueryableLike) => Promise<T>): Promise<T>;
  poolStats?(): PoolStatsLike;
}

/** A database server and the namespace on it (for PostgreSQL: `database`, or `database|schema`). */
export interface DbConnectionLike {
  host?: string;
  port?: number;
  namespace?: string;
}

export interface InstrumentDbOptions {
  /** Label for the pool gauges; defaults to `db.kind`, else `default`. */
  poolName?: string;
  /** `db.system.name` on DB spans and the DB histogram; defaults to `postgresql`. */
  system?: string;
  /** `server.address`, `server.port` and `db.namespace` on DB spans; defaults to `db.connection`. */
  connection?: DbConnectionLike;
}

/** Tracing modes: `lean` (our own spans), `auto` (OpenTelemetry auto-instrumentation), `off`. */
export type TracingMode = 'lean' | 'auto' | 'off';

/**
 * The span pipeline. `lean`: the probes' spans from LeanTracer, exported
 * through SerializingSpanProcessor and our OTLP writers. `sdk`: the SDK's
 * own tracer, BatchSpanProcessor and the official OTLP exporter packages,
 * the same probes otherwise; the correctness fallback, and the baseline to
 * compare against on every OpenTelemetry upgrade.
 */
export type TracerPipeline = 'lean' | 'sdk';

/**
 * How a query, log line or outgoing call finds the request it belongs to.
 * `async-local-storage` finds it implicitly, wherever the code runs; on Node 20
 * that taxes every promise in the process (see docs/probes.md). `explicit`
 * uses no AsyncLocalStorage at all: the app passes the request, through
 * `probes.forRequest(req)`.
 */
export type ContextMode = 'async-local-storage' | 'explicit';

export interface StartTracingOptions {
  /**
   * service.name. Env: OTEL_SERVICE_NAME. Without either, the first
   * createProbes({ serviceName }) names it (before any span is exported),
   * else it stays `unknown_service:node`.
   */
  serviceName?: string;
  /** `lean` (our spans), `auto` (OpenTelemetry auto-instrumentations) or `off`. Env: PERFLAB_TRACING. Default `lean`. */
  mode?: TracingMode;
  /** The span pipeline (see TracerPipeline). Env: PERFLAB_TRACER. Default `lean`. */
  tracer?: TracerPipeline;
  /**
   * Where spans go. Default: OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT or
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set (or OTEL_TRACES_EXPORTER=console),
   * otherwise nowhere: spans are still made for exemplars and log correlation.
   */
  exporter?: SpanExporter;
  /** Export each span as it ends instead of batching (tests). Default false. */
  simpleProcessor?: boolean;
  /** Extra span processors, e.g. an in-memory exporter in tests. */
  spanProcessors?: SpanProcessor[];
  /** Default: from OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (parentbased_always_on). */
  sampler?: Sampler;
  /**
   * `async-local-storage` registers OpenTelemetry's AsyncLocalStorage context
   * manager; `explicit` registers none (lean mode only), so nothing in the
   * process pays Node 20's per-promise async-hook cost, and the app passes
   * the request through `probes.forRequest(req)`. createProbes follows this
   * choice unless told otherwise. Env: PERFLAB_CONTEXT. Default `async-local-storage`.
   */
  context?: ContextMode;
}

/** What startTracing returns. */
export interface TracingHandle {
  readonly mode: TracingMode;
  /** The span pipeline in use (the `tracer` option, PERFLAB_TRACER). */
  readonly pipeline: TracerPipeline;
  readonly context: ContextMode;
  readonly provider: NodeTracerProvider | undefined;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The bounded labels one SQL statement maps to. */
export interface SqlSummary {
  operation: string;
  collection: string;
  /** The DB span name: `operation collection`, or the operation alone when the table is unknown. */
  spanName: string;
}

/** What the request hook sees once a response has finished. */
export interface RequestInfo {
  method: string;
  route: string;
  statusCode: number;
  durationSeconds: number;
  /** Queries this request ran (those the app's DB calls could attribute to it). */
  queries: number;
  traceId: string | undefined;
}

/** What the query hook sees once a statement has settled. */
export interface QueryInfo {
  text: string;
  operation: string;
  collection: string;
  durationSeconds: number;
  rowCount: number | null;
  error: unknown;
  traceId: string | undefined;
}

export interface ProbesOptions {
  /** service.name on spans and a `service` field on every log line. Env: OTEL_SERVICE_NAME. */
  serviceName?: string;
  /** Tracing mode the middleware follows. Env: PERFLAB_TRACING. Default: the mode `startTracing` used, else `lean`. */
  tracing?: TracingMode;
  /** Requests at or above this duration log a warning. Env: PERFLAB_SLOW_REQUEST_MS. Default 1000. */
  slowRequestMs?: number;
  /** Queries at or above this duration log a warning and count as slow. Env: PERFLAB_SLOW_QUERY_MS. Default 100. */
  slowQueryMs?: number;
  /** pino level. Env: LOG_LEVEL. Default `info`. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where log lines go: a pino destination stream, a file path, or a file descriptor. Default: stdout (async, flushed by shutdown). */
  logDestination?: DestinationStream | string | number;
  /** Log one info line per request. Env: PERFLAB_ACCESS_LOG (`true`/`false`). Default false. */
  accessLog?: boolean;
  /** More secrets to redact: key names (any depth, case-insensitive) or pino paths such as `req.body.card`. Default []. */
  redact?: string[];
  /** Memory monitor period in ms; 0 turns it off. Env: PERFLAB_MEMORY_INTERVAL_MS. Default 60000. */
  memoryIntervalMs?: number;
  /** heapUsed above this logs an error line. Env: PERFLAB_HEAP_THRESHOLD_BYTES. Default: 90% of the V8 heap limit. */
  heapThresholdBytes?: number;
  /**
   * How queries, log lines and outgoing calls find their request (see
   * ContextMode). Env: PERFLAB_CONTEXT. Default: the mode `startTracing` used,
   * else `async-local-storage`.
   */
  context?: ContextMode;
  /** Collect prom-client's default Node.js metrics. Default true. */
  defaultMetrics?: boolean;
  /** Registry to register into. Default: a new one (not prom-client's global). */
  registry?: Registry;
  /** Attach trace_id/span_id exemplars to histogram observations of sampled requests. Default true. */
  exemplars?: boolean;
  /** Raw request paths the middleware ignores entirely. Default ['/metrics']. */
  ignorePaths?: string[];
  /** Called after each request; errors are caught and logged. */
  onRequest?: (info: RequestInfo) => void;
  /** Called after each query; errors are caught and logged. */
  onQuery?: (info: QueryInfo) => void;
}

/** Counts a cache lookup outcome per cache name. */
export interface CacheInstrument {
  hit(name: string): void;
  miss(name: string): void;
  /** Records `hit` or `miss` from a boolean. */
  record(name: string, hit: boolean): void;
  /** Runs lookup; a result other than undefined counts as a hit. */
  wrap<T>(name: string, lookup: () => Promise<T | undefined>): Promise<T | undefined>;
}

/** Per-request figures available while a request runs. */
export interface RequestStats {
  queries: number;
  queryDurationSeconds: number;
}

/** One request's view of the probes, for apps that pass the request explicitly. */
export interface RequestScope {
  /**
   * `db` (as returned by `instrumentDb`) bound to this request: its queries,
   * including those inside `transaction()`, count into this request and their
   * spans sit under its server span, with no AsyncLocalStorage involved. Any
   * other object is returned unchanged.
   */
  db<D extends DbLike>(db: D): D;
  /** The probes' logger; its lines carry this request's `trace_id` and `span_id`. */
  readonly logger: Logger;
  /**
   * W3C trace-context headers (`traceparent`, `tracestate`) that continue this
   * request's trace in an outgoing call; `{}` when the request is not traced.
   * Lean tracing turns a fetch/undici call carrying them into a client span.
   */
  traceHeaders(): Record<string, string>;
  /** Queries so far, or undefined for a request the middleware did not see. */
  stats(): RequestStats | undefined;
}

export interface Probes {
  readonly serviceName: string;
  /** The drop-in: `app.use(probes.middleware)`, first. */
  readonly middleware: RequestHandler;
  /**
   * The same probe as a request listener around the whole app, instead of
   * the middleware: `http.createServer(probes.wrap(app))`. It sees each
   * request before Express does, which costs less (see docs/probes.md).
   * Throws PERFLAB_E_PROBES_OPTION when `listener` is not a function.
   */
  wrap(listener: RequestListener): RequestListener;
  readonly metricsHandler: RequestHandler;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly cache: CacheInstrument;
  instrumentDb<D extends DbLike>(db: D, options?: InstrumentDbOptions): D;
  /** The probes' view of one request (any context mode). */
  forRequest(req: IncomingMessage): RequestScope;
  /**
   * Stats of the request the caller runs inside (found through
   * AsyncLocalStorage), or undefined outside a request and in `explicit` context mode.
   */
  currentRequest(): RequestStats | undefined;
  /** Stops timers, flushes logs and (if started) spans. Idempotent; never throws. */
  shutdown(): Promise<void>;
}
