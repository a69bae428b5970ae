import diagnosticsChannel from 'node:diagnostics_channel';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { normalizeMethod } from './http-method.js';

/*
 * Lean client spans for undici and global fetch, from undici's
 * diagnostics_channel events (no monkey-patching): a CLIENT span per request
 * made inside an active span, with W3C traceparent injected into the request.
 * In explicit context mode (no active span, ever), a request that already carries
 * a traceparent (from probes.forRequest(req).traceHeaders()) is the parent,
 * and its header is rewritten to name the client span.
 */

interface UndiciRequest {
  method?: string;
  origin?: string | URL;
  path?: string;
  /** undici 6+: a flat [name, value, name, value, ...] array; older: raw header lines. */
  headers?: unknown;
  addHeader?(name: string, value: string): unknown;
}

/** A header of the outgoing request, whichever shape undici keeps them in. */
function getHeader(request: UndiciRequest, name: string): string | undefined {
  const h = request.headers;
  if (Array.isArray(h)) {
    for (let i = 0; i + 1 < h.length; i += 2) {
      if (String(h[i]).toLowerCase() === name) return String(h[i + 1]);
    }
  } else if (typeof h === 'string') {
    const m = new RegExp(`(?:^|\\r\\n)${name}:\\s*([^\\r\\n]*)`, 'i').exec(h);
    if (m) return m[1];
  }
  return undefined;
}

/** Replaces a header in place when present (no duplicate traceparent), else adds it. */
function setHeader(request: UndiciRequest, name: string, value: string): void {
  const h = request.headers;
  if (Array.isArray(h)) {
    for (let i = 0; i + 1 < h.length; i += 2) {
      if (String(h[i]).toLowerCase() === name) {
        h[i + 1] = value;
        return;
      }
    }
  } else if (typeof h === 'string' && getHeader(request, name) !== undefined) {
    request.headers = h.replace(new RegExp(`(^|\\r\\n)${name}:[^\\r\\n]*`, 'i'), `$1${name}: ${value}`);
    return;
  }
  request.addHeader?.(name, value);
}

const headerSetter = {
  set: (request: UndiciRequest, key: string, value: string) => setHeader(request, key, value),
};

const headerGetter = {
  keys: () => ['traceparent', 'tracestate'],
  get: (request: UndiciRequest, key: string) => getHeader(request, key),
};
interface CreateMessage {
  request: UndiciRequest;
}
interface HeadersMessage {
  request: UndiciRequest;
  response: { statusCode: number };
}
interface ErrorMessage {
  request: UndiciRequest;
  error: unknown;
}

export function subscribeUndici(
  tracer: Tracer,
  onError: (hook: string, err: unknown) => void,
  parentFromHeaders: boolean,
): () => void {
  const spans = new WeakMap<UndiciRequest, Span>();

  const onCreate = (message: unknown): void => {
    try {
      const { request } = message as CreateMessage;
      let parent = context.active();
      if (!trace.getSpan(parent)) {
        if (!parentFromHeaders) return;
        parent = propagation.extract(ROOT_CONTEXT, request, headerGetter);
        if (!trace.getSpan(parent)) return;
      }
      const method = normalizeMethod(request.method ?? 'GET');
      const span = tracer.startSpan(method, { kind: SpanKind.CLIENT }, parent);
      if (span.isRecording()) {
        const origin = new URL(String(request.origin));
        span.setAttributes({
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_FULL]: origin.origin + (request.path ?? '/').replace(/\?.*$/, ''),
          [ATTR_SERVER_ADDRESS]: origin.hostname,
          [ATTR_SERVER_PORT]: Number(origin.port) || (origin.protocol === 'https:' ? 443 : 80),
        });
      }
      spans.set(request, span);
      propagation.inject(trace.setSpan(parent, span), request, headerSetter);
    } catch (err) {
      onError('undici:request:create', err);
    }
  };
  const onHeaders = (message: unknown): void => {
    try {
      const { request, response } = message as HeadersMessage;
      const span = spans.get(request);
      if (!span || !span.isRecording()) return;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
      if (response.statusCode >= 400) {
        span.setAttribute(ATTR_ERROR_TYPE, String(response.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    } catch (err) {
      onError('undici:request:headers', err);
    }
  };
  const onTrailers = (message: unknown): void => {
    const { request } = message as CreateMessage;
    const span = spans.get(request);
    if (span) {
      spans.delete(request);
      span.end();
    }
  };
  const onFailure = (message: unknown): void => {
    try {
      const { request, error } = message as ErrorMessage;
      const span = spans.get(request);
      if (!span) return;
      spans.delete(request);
      if (span.isRecording()) {
        span.setAttribute(ATTR_ERROR_TYPE, (error as Error)?.name ?? 'Error');
        span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error)?.message ?? error) });
      }
      span.end();
    } catch (err) {
      onError('undici:request:error', err);
    }
  };

  const subs: Array<[string, (m: unknown) => void]> = [
    ['undici:request:create', onCreate],
    ['undici:request:headers', onHeaders],
    ['undici:request:trailers', onTrailers],
    ['undici:request:error', onFailure],
  ];
  for (const [name, fn] of subs) diagnosticsChannel.subscribe(name, fn);
  return () => {
    for (const [name, fn] of subs) diagnosticsChannel.unsubscribe(name, fn);
  };
}
