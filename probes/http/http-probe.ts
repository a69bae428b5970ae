import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Span,
} from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_USER_AGENT_SYNTHETIC_TYPE,
  USER_AGENT_SYNTHETIC_TYPE_VALUE_TEST,
} from '@opentelemetry/semantic-conventions/incubating';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  attachState,
  contextWithSpan,
  newRequestState,
  runWithState,
  stateOf,
  type RequestState,
} from './request-state.js';
import { invalidOption } from '../../common/perflab-error.js';
import { normalizeMethod } from './http-method.js';
import { OPTION_ERROR } from '../options.js';
import {
  ATTR_PERFLAB_DB_QUERY_COUNT,
  ERROR_ABORTED,
  LABEL_METHOD,
  LABEL_ROUTE,
  METHOD_OTHER,
  ROUTE_UNMATCHED,
} from '../metric-names.js';
import { redactQuery } from './url-query.js';
import { syntheticType } from './synthetic-traffic.js';
import { routeTemplate } from './route-template.js';
import { endSpan } from '../tracing/lean-span.js';
import { startSpanAt } from '../tracing/lean-tracer.js';
import { wallMs } from '../tracing/wall-clock.js';
import type { ProbeDeps } from '../probe-deps.js';
import type { RequestListener } from '../types.js';

/** Shared span options: the tracer only reads them. */
const SERVER = Object.freeze({ kind: SpanKind.SERVER });

/*
 * With the default W3C propagators, a request without traceparent, tracestate
 * or baggage has nothing to extract, and most requests have none: skipping
 * the propagator saves its global lookups. Other propagators (OTEL_PROPAGATORS)
 * read other headers, so then every request is extracted.
 */
const customPropagators = Boolean(process.env.OTEL_PROPAGATORS?.trim());

function carriesContext(headers: IncomingHttpHeaders): boolean {
  return (
    customPropagators ||
    headers.traceparent !== undefined ||
    headers.tracestate !== undefined ||
    headers.baggage !== undefined
  );
}

const headerGetter = {
  keys: (carrier: IncomingHttpHeaders) => Object.keys(carrier),
  get: (carrier: IncomingHttpHeaders, key: string) => carrier[key],
};

/**
 * The per-request probe, wired one of two ways (createProbes hands out both):
 *
 * - `middleware`, the drop-in: `app.use(probes.middleware)` first.
 * - `wrap(app)`, a request listener around the whole app:
 *   `http.createServer(probes.wrap(app))`. It sees each request before
 *   Express does, which is cheaper: Express 5 gives every request and
 *   response object a hidden class of its own (bench/RESULTS.md), so each
 *   property the probe reads after Express has them misses V8's inline
 *   caches, and a middleware also adds a router layer. V8's --log-ic counted
 *   181.3 misses a request with the middleware and 170.0 wrapped (165.5 bare)
 *   on the target app's order history.
 *
 * Per request: a live-request count, one SERVER span (lean mode) continuing
 * an incoming traceparent, the request state the DB wrapper counts into, and
 * at the end the duration, body-size and queries-per-request histograms (with
 * exemplars when sampled), the slow-request warning and the request hook. It
 * never throws into the app.
 */
export function createHttpProbe(deps: ProbeDeps): {
  middleware: RequestHandler;
  wrap: (listener: RequestListener) => RequestListener;
} {
  const start = createRequestStart(deps);

  return {
    middleware: function perflabProbes(req: Request, res: Response, next: NextFunction): void {
      // Already started: the app is also wrapped, or an app and its sub-app
      // both mount the middleware. A request is recorded once.
      if (stateOf(req)) return next();
      const state = start(req, res);
      // At start, `tracked` means the context is implicit (AsyncLocalStorage).
      if (state?.tracked) runWithState(state, next);
      else next();
    },
    wrap(listener) {
      if (typeof listener !== 'function') {
        throw invalidOption(OPTION_ERROR, 'listener', 'a request listener, such as an Express app', listener);
      }
      return function perflabRequest(this: unknown, req: IncomingMessage, res: ServerResponse): void {
        const state = start(req, res);
        if (state?.tracked) runWithState(state, () => listener.call(this, req, res));
        else listener.call(this, req, res);
      };
    },
  };
}

function createRequestStart(
  deps: ProbeDeps,
): (req: IncomingMessage, res: ServerResponse) => RequestState | undefined {
  const { options: o, metrics: m, diag, tracer } = deps;
  const ignored = ignoreMatcher(o.ignorePaths);

  return function startRequest(req, res) {
    try {
      if (ignored?.(req.url ?? '/')) return undefined;
      const start = performance.now();
      const s = newRequestState(deps.context() === 'async-local-storage');
      s.startMs = start;
      const mode = deps.mode();
      // Read each field of req and res once: on Express every read misses
      // V8's inline caches (see createHttpProbe).
      const method = req.method ?? 'GET';
      s.method = method;
      const normalized = normalizeMethod(method);
      const headers = req.headers;
      const socket = req.socket as IncomingMessage['socket'] & { encrypted?: boolean };
      const scheme = socket.encrypted ? 'https' : 'http';
      s.scheme = scheme;
      const length = headers['content-length'];
      if (length !== undefined) s.requestBytes = Number(length);
      const synthetic = syntheticType(headers['user-agent']);
      if (mode === 'lean') {
        const parent = carriesContext(headers)
          ? propagation.extract(ROOT_CONTEXT, headers, headerGetter)
          : ROOT_CONTEXT;
        const span = startSpanAt(tracer(), spanMethod(normalized), SERVER, parent, start);
        if (span.isRecording()) startAttributes(span, req, method, normalized, scheme, headers, synthetic);
        s.span = span;
        s.ctx = contextWithSpan(parent, span);
        s.ownSpan = true;
      } else if (mode === 'auto') {
        s.ctx = context.active();
        s.span = trace.getSpan(s.ctx);
      }
      attachState(req, s);
      // 'close' follows 'finish' for every completed response and also fires
      // for aborted ones, so one plain listener covers both (cheaper than two
      // once() wrappers). The closure keeps req and res: reading them back
      // off each other after Express has had them would miss V8's caches.
      res.on('close', () => {
        try {
          end(deps, req, res, s, synthetic);
        } catch (err) {
          diag.report('middleware.finish', err);
        }
      });
      const active = m.active.series(normalized, scheme);
      active.value++;
      s.active = active;
      return s;
    } catch (err) {
      diag.report('middleware.start', err);
      return undefined;
    }
  };
}

function end(
  deps: ProbeDeps,
  req: IncomingMessage,
  res: ServerResponse,
  state: RequestState,
  synthetic: string,
): void {
  const span = state.span;
  const { options: o, metrics: m, logger, diag } = deps;
  const now = performance.now();
  const seconds = (now - state.startMs) / 1000;
  if (state.active) state.active.value--;
  const method = normalizeMethod(state.method);
  let route: string;
  try {
    route = routeTemplate(req as Request);
  } catch (err) {
    diag.report('route', err);
    route = ROUTE_UNMATCHED;
  }
  // A response the client went away from was never sent: no status code, an error.
  const aborted = !res.writableFinished;
  const code = res.statusCode;
  const status = aborted ? '' : code;
  const errorType = aborted ? ERROR_ABORTED : code >= 500 ? String(code) : '';

  let traceId: string | undefined;
  let spanId: string | undefined;
  let atMs: number | undefined;
  if (span) {
    const sc = span.spanContext();
    if (sc.traceFlags & TraceFlags.SAMPLED) {
      traceId = sc.traceId;
      spanId = sc.spanId;
      atMs = wallMs(now);
    }
  }
  const h = m.httpDuration;
  const series = h.series(method, route, status, state.scheme, errorType, synthetic);
  h.observe(series, seconds, traceId, spanId, atMs);
  const reqSize = state.requestBytes;
  if (reqSize >= 0) m.httpRequestSize.observe(m.httpRequestSize.series(method, route), reqSize);
  const resSize = Number(res.getHeader('content-length'));
  if (resSize >= 0) m.httpResponseSize.observe(m.httpResponseSize.series(method, route, status), resSize);
  const queries = state.tracked ? state.queries : -1;
  if (queries >= 0) m.httpQueries.observe(m.httpQueries.series(method, route), queries);

  if (state.ownSpan && span) {
    if (span.isRecording()) {
      const name = spanMethod(method);
      span.updateName(route === ROUTE_UNMATCHED ? name : serverSpanName(name, route));
      if (route !== ROUTE_UNMATCHED) span.setAttribute(ATTR_HTTP_ROUTE, route);
      if (status !== '') span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (queries >= 0) span.setAttribute(ATTR_PERFLAB_DB_QUERY_COUNT, queries);
      if (errorType !== '') {
        span.setAttribute(ATTR_ERROR_TYPE, errorType);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    }
    endSpan(span, now);
  }

  const ms = Math.round(seconds * 1e6) / 1e3;
  if (seconds >= o.slowRequestSeconds) {
    m.httpSlow.inc({ [LABEL_METHOD]: method, [LABEL_ROUTE]: route });
    logger.warn(
      {
        http: { method, route, status },
        durationMs: ms,
        queries,
        trace_id: traceId,
        span_id: spanId,
        trace_flags: traceId === undefined ? undefined : SAMPLED,
      },
      'slow request',
    );
  } else if (o.accessLog) {
    logger.info(
      {
        http: { method, route, status },
        durationMs: ms,
        trace_id: traceId,
        span_id: spanId,
        trace_flags: traceId === undefined ? undefined : SAMPLED,
      },
      'request',
    );
  }

  if (o.onRequest) {
    try {
      o.onRequest({
        method,
        route,
        statusCode: code,
        durationSeconds: seconds,
        queries,
        traceId,
      });
    } catch (err) {
      diag.report('onRequest', err);
    }
  }
}

/** trace_flags on the probes' own log lines, which carry trace ids only for sampled spans. */
const SAMPLED = '01';

/** The method in a span name: semconv names a request with a method outside the known set `HTTP`. */
function spanMethod(normalized: string): string {
  return normalized === METHOD_OTHER ? 'HTTP' : normalized;
}

/*
 * "METHOD /route" for each pair seen, built once: both are bounded (normalized
 * methods, route templates). A name built per request would be a fresh string
 * that the exporter's caches keyed by span name hash again on every span.
 */
const spanNames = new Map<string, Map<string, string>>();

function serverSpanName(method: string, route: string): string {
  let byMethod = spanNames.get(route);
  if (!byMethod) spanNames.set(route, (byMethod = new Map()));
  let name = byMethod.get(method);
  if (name === undefined) byMethod.set(method, (name = `${method} ${route}`));
  return name;
}

/**
 * Whether a request URL's path is one of the ignored paths. For a few paths
 * (the default is one, /metrics) each is compared in place: no path string is
 * sliced off the URL and hashed on every request.
 */
function ignoreMatcher(paths: ReadonlySet<string>): ((url: string) => boolean) | undefined {
  if (paths.size === 0) return undefined;
  if (paths.size > 8) return (url) => paths.has(pathOf(url));
  const list = [...paths];
  return (url) => {
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (url.startsWith(p) && (url.length === p.length || url.charCodeAt(p.length) === QUESTION_MARK)) {
        return true;
      }
    }
    return false;
  };
}

const QUESTION_MARK = 63;
const PORT = /^\d{1,5}$/;

/** server.address and server.port from a Host header, which repeats from request to request. */
let lastHost = '';
let lastAddress = '';
let lastPort = -1;

function parseHost(host: string): void {
  if (host === lastHost) return;
  // The port is after the last colon, unless that colon is inside an IPv6 literal ("[::1]").
  const colon = host.lastIndexOf(':');
  const hasPort = colon > 0 && colon > host.lastIndexOf(']');
  const portText = hasPort ? host.slice(colon + 1) : '';
  const address = hasPort ? host.slice(0, colon) : host;
  lastAddress = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  lastPort = PORT.test(portText) && Number(portText) <= 65535 ? Number(portText) : -1;
  lastHost = host;
}

function startAttributes(
  span: Span,
  req: IncomingMessage & { originalUrl?: string },
  method: string,
  normalized: string,
  scheme: string,
  headers: IncomingHttpHeaders,
  synthetic: string,
): void {
  parseHost(headers.host ?? '');
  const ua = headers['user-agent'];
  const url = req.originalUrl ?? req.url ?? '/';
  const q = url.indexOf('?');
  span.setAttribute(ATTR_HTTP_REQUEST_METHOD, normalized);
  if (method !== normalized) span.setAttribute(ATTR_HTTP_REQUEST_METHOD_ORIGINAL, method);
  span.setAttribute(ATTR_URL_PATH, q < 0 ? url : url.slice(0, q));
  if (q >= 0) span.setAttribute(ATTR_URL_QUERY, redactQuery(url.slice(q + 1)));
  span.setAttribute(ATTR_URL_SCHEME, scheme);
  span.setAttribute(ATTR_SERVER_ADDRESS, lastAddress);
  span.setAttribute(ATTR_NETWORK_PROTOCOL_VERSION, req.httpVersion);
  if (lastPort >= 0) span.setAttribute(ATTR_SERVER_PORT, lastPort);
  const peer = req.socket.remoteAddress;
  if (peer) span.setAttribute(ATTR_CLIENT_ADDRESS, peer);
  if (ua) {
    span.setAttribute(ATTR_USER_AGENT_ORIGINAL, ua);
    if (synthetic !== '') {
      span.setAttribute(ATTR_USER_AGENT_SYNTHETIC_TYPE, USER_AGENT_SYNTHETIC_TYPE_VALUE_TEST);
    }
  }
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
