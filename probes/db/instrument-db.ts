import { performance } from 'node:perf_hooks';
import { context, SpanKind, SpanStatusCode, trace, TraceFlags, type Span } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions';
import { ATTR_DB_RESPONSE_RETURNED_ROWS } from '@opentelemetry/semantic-conventions/incubating';
import { currentState, type RequestState } from '../http/request-state.js';
import { endSpan } from '../tracing/lean-span.js';
import { startSpanAt } from '../tracing/lean-tracer.js';
import { wallMs } from '../tracing/wall-clock.js';
import { DB_UNKNOWN, LABEL_DB_COLLECTION, LABEL_DB_OPERATION } from '../metric-names.js';
import { SqlSummarizer } from './sql-summary.js';
import type {
  DbConnectionLike,
  DbLike,
  InstrumentDbOptions,
  QueryableLike,
  QueryResultLike,
  SqlSummary,
} from '../types.js';
import type { ProbeDeps } from '../probe-deps.js';

const INSTRUMENTED = Symbol.for('perflab.probes.instrumentedDb');
/** On an instrumented db: makes a view of it bound to one request (RequestScope.db). */
const BIND = Symbol('perflab.probes.bindDb');

type Bind = (state: RequestState) => unknown;

/** What a wrapped db's queries are recorded against: its system and where it is. */
interface DbTarget {
  system: string;
  host: string | undefined;
  port: number | undefined;
  namespace: string | undefined;
}

function dbTarget(system: string, c: DbConnectionLike | undefined): DbTarget {
  const port = c?.port;
  return {
    system,
    host: typeof c?.host === 'string' && c.host !== '' ? c.host : undefined,
    port: typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined,
    namespace: typeof c?.namespace === 'string' && c.namespace !== '' ? c.namespace : undefined,
  };
}

/** The view of `db` bound to `state`, or undefined when `db` did not come from instrumentDb. */
export function bindDb<D>(db: D, state: RequestState): D | undefined {
  const bind = (db as Record<symbol, unknown> | null | undefined)?.[BIND];
  return typeof bind === 'function' ? ((bind as Bind)(state) as D) : undefined;
}
const MAX_SQL = 2048;
/** Shared span options: the tracer only reads them. */
const CLIENT = Object.freeze({ kind: SpanKind.CLIENT });

/**
 * Wraps a DbLike so every query (including those run inside transaction())
 * is timed into db_client_operation_duration_seconds, counted into the current
 * request, traced as a CLIENT span under the active span (SQL text only, never
 * parameters) and logged when slow. Everything else passes through untouched;
 * the returned object has the same shape and type as the input.
 */
export function createInstrumentDb(
  deps: ProbeDeps,
): <D extends DbLike>(db: D, opts?: InstrumentDbOptions) => D {
  const summarizer = new SqlSummarizer();

  const runQuery = (
    target: QueryableLike,
    system: DbTarget,
    bound: RequestState | undefined,
    text: string,
    params: readonly unknown[] | undefined,
  ): Promise<QueryResultLike> => {
    let probe: QueryProbe | undefined;
    try {
      probe = startQuery(deps, summarizer, text, system, bound);
    } catch (err) {
      deps.diag.report('db.query.start', err);
    }
    if (!probe) return target.query(text, params);
    const p = probe;
    let pending: Promise<QueryResultLike>;
    try {
      pending = p.ctx ? context.with(p.ctx, () => target.query(text, params)) : target.query(text, params);
    } catch (error) {
      finishQuery(deps, p, undefined, error); // a driver that throws synchronously
      throw error;
    }
    /*
     * A side branch, and the driver's own promise back to the caller: its
     * reactions run in the order they were added, so the probe still finishes
     * before the caller resumes, one promise and one microtask fewer a query
     * than returning pending.then(...). The branch settles either way, so it
     * never reports an unhandled rejection; the caller's promise does, as
     * without the probes. Only for a native promise: a thenable such as a
     * query builder may run its query on every then().
     */
    if (pending instanceof Promise) {
      void pending.then(
        (result) => finishQuery(deps, p, result, undefined),
        (error: unknown) => finishQuery(deps, p, undefined, error),
      );
      return pending;
    }
    return Promise.resolve(pending).then(
      (result) => {
        finishQuery(deps, p, result, undefined);
        return result;
      },
      (error: unknown) => {
        finishQuery(deps, p, undefined, error);
        throw error;
      },
    );
  };

  // An anonymous function: a named one gets a runtime name-setting call from
  // tsx/esbuild (measured at 3 µs a request when one was made per request).
  const timed =
    (target: QueryableLike, system: DbTarget, bound: RequestState | undefined) =>
    (text: string, params?: readonly unknown[]): Promise<QueryResultLike> =>
      runQuery(target, system, bound, text, params);

  const wrapQueryable = <Q extends QueryableLike>(
    q: Q,
    system: DbTarget,
    bound: RequestState | undefined,
  ): Q => wrap(q, { query: timed(q, system, bound) });

  const transaction =
    (db: DbLike, system: DbTarget, bound: RequestState | undefined) =>
    <T>(fn: (tx: QueryableLike) => Promise<T>): Promise<T> =>
      db.transaction!((tx) => fn(wrapQueryable(tx, system, bound)));

  return function instrumentDb<D extends DbLike>(db: D, opts: InstrumentDbOptions = {}): D {
    if ((db as Record<symbol, unknown>)[INSTRUMENTED]) return db;
    const system = dbTarget(opts.system ?? DB_SYSTEM_NAME_VALUE_POSTGRESQL, opts.connection ?? db.connection);
    const poolName = opts.poolName ?? (typeof db.kind === 'string' ? db.kind : 'default');
    if (typeof db.poolStats === 'function') deps.metrics.pools.set(poolName, () => db.poolStats!());
    const hasTransaction = typeof db.transaction === 'function';
    // A request's view: its own query/transaction that know the request, and
    // everything else from the instrumented db (cheaper than a Proxy per request).
    const overrides: Record<PropertyKey, unknown> = {
      query: timed(db, system, undefined),
      [INSTRUMENTED]: true,
    };
    if (hasTransaction) overrides.transaction = transaction(db, system, undefined);
    const instrumented = wrap(db, overrides);
    const View = viewClass(instrumented, {
      query: (state, text, params) => runQuery(db, system, state, text, params),
      transaction: hasTransaction ? (state, fn) => transaction(db, system, state)(fn) : undefined,
    });
    const bind: Bind = (state) => new View(state);
    overrides[BIND] = bind;
    return instrumented;
  };
}

type ViewClass = new (state: RequestState) => object;

/** What a view's methods do, given the view's request. */
interface ViewMethods {
  query(state: RequestState | undefined, text: string, params?: readonly unknown[]): Promise<QueryResultLike>;
  transaction:
    (<T>(state: RequestState | undefined, fn: (tx: QueryableLike) => Promise<T>) => Promise<T>) | undefined;
}

const VIEW_STATE = Symbol('perflab.probes.viewState');

/**
 * The class of one instrumented db's per-request views: a view is one object
 * holding its request, and its `query` (and `transaction`) are methods on a
 * prototype shared by every view, whose own prototype is the instrumented db
 * (for everything else). One object a request instead of a view and a
 * closure per method. The prototype is a plain object, so V8's inline caches
 * follow lookups on a view; a view made straight on top of the Proxy
 * (Object.create(proxy)) walked the Proxy in V8's runtime on every access
 * (240 ns a view against 25 hot).
 *
 * A method called detached from its view (`const { query } = view`) still
 * runs instrumented, only without the request: pg's own methods need their
 * `this`, so apps call them on the object.
 */
function viewClass(instrumented: object, m: ViewMethods): ViewClass {
  function View(this: Record<symbol, unknown>, state: RequestState): void {
    this[VIEW_STATE] = state;
  }
  const stateOfView = (view: unknown): RequestState | undefined =>
    view instanceof View ? ((view as Record<symbol, unknown>)[VIEW_STATE] as RequestState) : undefined;
  const method = (value: unknown): PropertyDescriptor => ({
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
  const tx = m.transaction;
  View.prototype = Object.create(instrumented, {
    // A placeholder: the constructor's store finds it here and stops, instead
    // of looking for a setter through the Proxy below (V8's slow path).
    [VIEW_STATE]: { value: undefined, writable: true, enumerable: false, configurable: true },
    query: method(function (this: unknown, text: string, params?: readonly unknown[]) {
      return m.query(stateOfView(this), text, params);
    }),
    ...(tx
      ? {
          transaction: method(function <T>(this: unknown, fn: (t: QueryableLike) => Promise<T>) {
            return tx(stateOfView(this), fn);
          }),
        }
      : {}),
  }) as object;
  return View as unknown as ViewClass;
}

/** A Proxy whose methods other than the overrides are bound to the original object. */
function wrap<T extends object>(target: T, overrides: Record<PropertyKey, unknown>): T {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, prop) {
      if (Object.prototype.hasOwnProperty.call(overrides, prop)) return overrides[prop];
      const value: unknown = Reflect.get(t, prop, t);
      if (typeof value !== 'function') return value;
      let b = bound.get(prop);
      if (!b) {
        b = (value as (...args: unknown[]) => unknown).bind(t);
        bound.set(prop, b);
      }
      return b;
    },
  });
}

interface QueryProbe {
  text: string;
  system: string;
  summary: SqlSummary;
  start: number;
  span: Span | undefined;
  ctx: ReturnType<typeof context.active> | undefined;
  state: RequestState | undefined;
}

function startQuery(
  deps: ProbeDeps,
  summarizer: SqlSummarizer,
  text: string,
  system: DbTarget,
  bound: RequestState | undefined,
): QueryProbe {
  const summary = summarizer.summarize(text);
  const state = bound ?? currentState();
  if (state) state.queries++;
  let span: Span | undefined;
  let ctx: QueryProbe['ctx'];
  const mode = deps.mode();
  const start = performance.now();
  if (mode !== 'off') {
    // The active span wins (an app's own span around the query); a request
    // passed explicitly is the parent when nothing is active. In explicit mode
    // no context manager is registered, so nothing can be active.
    let parent = bound && deps.context() === 'explicit' ? undefined : context.active();
    if ((!parent || !trace.getSpan(parent)) && state?.ctx) parent = state.ctx;
    if (parent && trace.getSpan(parent)) {
      span = startSpanAt(deps.tracer(), summary.spanName, CLIENT, parent, start);
      if (span.isRecording()) {
        span.setAttribute(ATTR_DB_SYSTEM_NAME, system.system);
        if (system.namespace !== undefined) span.setAttribute(ATTR_DB_NAMESPACE, system.namespace);
        if (system.host !== undefined) span.setAttribute(ATTR_SERVER_ADDRESS, system.host);
        if (system.port !== undefined) span.setAttribute(ATTR_SERVER_PORT, system.port);
        span.setAttribute(ATTR_DB_QUERY_TEXT, text.length > MAX_SQL ? text.slice(0, MAX_SQL) : text);
        span.setAttribute(ATTR_DB_OPERATION_NAME, summary.operation);
        if (summary.collection !== DB_UNKNOWN) span.setAttribute(ATTR_DB_COLLECTION_NAME, summary.collection);
      }
      // Only auto mode has driver spans (instrumentation-pg) to nest under ours.
      if (mode === 'auto') ctx = trace.setSpan(parent, span);
    }
  }
  return { text, system: system.system, summary, start, span, ctx, state };
}

function finishQuery(
  deps: ProbeDeps,
  p: QueryProbe,
  result: QueryResultLike | undefined,
  error: unknown,
): void {
  try {
    const now = performance.now();
    const seconds = (now - p.start) / 1000;
    if (p.state) p.state.queryDurationSeconds += seconds;
    let traceId: string | undefined;
    let spanId: string | undefined;
    let atMs: number | undefined;
    const sc = (p.span ?? trace.getActiveSpan() ?? p.state?.span)?.spanContext();
    if (sc && sc.traceFlags & TraceFlags.SAMPLED) {
      traceId = sc.traceId;
      spanId = sc.spanId;
      atMs = wallMs(now);
    }
    const h = deps.metrics.dbDuration;
    const series = h.series(p.summary.operation, p.summary.collection, p.system);
    h.observe(series, seconds, traceId, spanId, atMs);
    const rowCount = result ? (result.rowCount ?? result.rows?.length ?? null) : null;
    if (p.span) {
      if (p.span.isRecording()) {
        if (rowCount !== null) p.span.setAttribute(ATTR_DB_RESPONSE_RETURNED_ROWS, rowCount);
        if (error !== undefined) {
          p.span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
          p.span.setStatus({
            code: SpanStatusCode.ERROR,
            message: String((error as Error)?.message ?? error),
          });
        }
      }
      endSpan(p.span, now);
    }
    if (seconds >= deps.options.slowQuerySeconds) {
      deps.metrics.dbSlow.inc({
        [LABEL_DB_OPERATION]: p.summary.operation,
        [LABEL_DB_COLLECTION]: p.summary.collection,
      });
      deps.logger.warn(
        {
          db: {
            operation: p.summary.operation,
            collection: p.summary.collection,
            statement: p.text.length > MAX_SQL ? p.text.slice(0, MAX_SQL) : p.text,
          },
          durationMs: Math.round(seconds * 1e6) / 1e3,
          rowCount,
          trace_id: traceId,
          span_id: spanId,
          trace_flags: traceId === undefined ? undefined : '01',
        },
        'slow query',
      );
    }
    if (deps.options.onQuery) {
      try {
        deps.options.onQuery({
          text: p.text,
          operation: p.summary.operation,
          collection: p.summary.collection,
          durationSeconds: seconds,
          rowCount,
          error,
          traceId,
        });
      } catch (err) {
        deps.diag.report('onQuery', err);
      }
    }
  } catch (err) {
    deps.diag.report('db.query.finish', err);
  }
}

function errorType(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code; // SQLSTATE
  return (error as Error)?.name ?? 'Error';
}
