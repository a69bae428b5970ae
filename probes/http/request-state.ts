import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import { context, createContextKey, ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
import type { Logger } from 'pino';

/** Per-request state: what the DB wrapper counts into and what spans and logs hang off. */
export interface RequestState {
  queries: number;
  queryDurationSeconds: number;
  /** Whether queries can be attributed to this request (ALS mode, or a db bound through forRequest). */
  tracked: boolean;
  /** The request's server span (lean) or the instrumentation's (auto). */
  span: Span | undefined;
  /** The context this request's child spans start from: the server span set in it. */
  ctx: Context | undefined;
  /** forRequest(req) caches, so repeated calls allocate nothing new. */
  logger: Logger | undefined;
  dbSource: object | undefined;
  dbView: unknown;
  /** What the HTTP probe read when the request started. */
  startMs: number;
  method: string;
  /** Content-Length of the request body; -1 when absent. */
  requestBytes: number;
  /** `http` or `https`. */
  scheme: string;
  /** The in-flight counter this request incremented. */
  active: { value: number } | undefined;
  /** Whether the HTTP probe made the span (lean mode) and so ends it. */
  ownSpan: boolean;
}

/** Every field set from the start: one object shape for every request, whatever is used later. */
export function newRequestState(tracked: boolean): RequestState {
  return {
    queries: 0,
    queryDurationSeconds: 0,
    tracked,
    span: undefined,
    ctx: undefined,
    logger: undefined,
    dbSource: undefined,
    dbView: undefined,
    startMs: 0,
    method: 'GET',
    requestBytes: -1,
    scheme: 'http',
    active: undefined,
    ownSpan: false,
  };
}

// A symbol-keyed field rather than OpenTelemetry's context.bind(req): binding
// wraps every listener of the emitter, which costs on each event.
const STATE = Symbol('perflab.probes.requestState');

export function attachState(req: IncomingMessage, state: RequestState): void {
  (req as unknown as Record<symbol, RequestState>)[STATE] = state;
}

export function stateOf(req: IncomingMessage): RequestState | undefined {
  return (req as unknown as Record<symbol, RequestState | undefined>)[STATE];
}

const STATE_KEY = createContextKey('perflab.probes.request');
const als = new AsyncLocalStorage<RequestState>();

/*
 * In `async-local-storage` mode there is one hop per request. When an
 * OpenTelemetry context manager is registered (tracing on), the state rides in
 * the OTel Context the server span already needs; otherwise our own
 * AsyncLocalStorage carries it. Either way, on Node 20 the hop taxes every
 * promise created afterwards in the whole process, which is why `explicit`
 * mode never makes one.
 */
let otelWorks: boolean | undefined;
let sinceProbe = 0;

/**
 * Whether an OTel context manager propagates values. Once true it stays true;
 * while false it is re-checked every 1024th call, so tracing started after
 * createProbes is still picked up without probing on every request.
 */
export function otelContextActive(): boolean {
  if (otelWorks) return true;
  if (otelWorks === undefined || ++sinceProbe >= 1024) {
    sinceProbe = 0;
    const probe = ROOT_CONTEXT.setValue(STATE_KEY, 1);
    otelWorks = context.with(probe, () => context.active().getValue(STATE_KEY) === 1);
  }
  return otelWorks;
}

/** Runs fn with state (and its ctx, when OTel is active) as the current request. */
export function runWithState<T>(state: RequestState, fn: () => T): T {
  if (otelContextActive())
    return context.with((state.ctx ?? context.active()).setValue(STATE_KEY, state), fn);
  return als.run(state, fn);
}

/** The request the caller runs inside, in `async-local-storage` mode. */
export function currentState(): RequestState | undefined {
  if (otelWorks) return context.active().getValue(STATE_KEY) as RequestState | undefined;
  return otelWorks === undefined ? undefined : als.getStore();
}

/*
 * The key trace.setSpan() files a span under. The API keeps it private, so it
 * is read off the one lookup trace.getSpan() makes.
 */
const SPAN_KEY: symbol | undefined = (() => {
  let key: symbol | undefined;
  trace.getSpan({
    getValue(k: symbol) {
      key = k;
      return undefined;
    },
    setValue: () => ROOT_CONTEXT,
    deleteValue: () => ROOT_CONTEXT,
  });
  return key;
})();

/**
 * A context that is `parent` with `span` set in it, as trace.setSpan(parent,
 * span) returns, without copying the parent's values into a new Map on every
 * request. A request's context is only read (by the DB spans under it,
 * suppression checks, samplers and propagators); the first setValue or
 * deleteValue builds the ordinary one and goes on from there.
 */
class SpanOnParent implements Context {
  #full: Context | undefined;

  constructor(
    private readonly parent: Context,
    private readonly span: Span,
    private readonly key: symbol,
  ) {}

  getValue(key: symbol): unknown {
    return key === this.key ? this.span : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.#ordinary().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.#ordinary().deleteValue(key);
  }

  #ordinary(): Context {
    return (this.#full ??= trace.setSpan(this.parent, this.span));
  }
}

/** trace.setSpan(parent, span), read-mostly (see SpanOnParent). */
export function contextWithSpan(parent: Context, span: Span): Context {
  return SPAN_KEY ? new SpanOnParent(parent, span, SPAN_KEY) : trace.setSpan(parent, span);
}
