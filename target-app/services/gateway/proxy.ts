import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler } from 'express';
import type { Agent } from 'undici';
import { errors, request } from 'undici';
import type { Logger } from 'pino';
import { sendError } from '../../http/errors.js';

/** Hop-by-hop headers (RFC 9110 7.6.1) never cross a proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

export interface ProxyOptions {
  /** Upstream base URL, read per request (one-process mode learns it after listening). */
  target: () => string;
  upstream: string;
  timeoutMs: number;
  agent: Agent;
  logger: Logger;
  /** traceparent (and tracestate) of the gateway's span for this request. */
  traceHeaders(req: Request): Record<string, string>;
}

/**
 * Forwards the request as it came (the body streamed, never parsed) with
 * X-Forwarded-*, the request id and the trace context, and streams the answer
 * back. An upstream that does not answer in time is a 504, one that cannot be
 * reached or breaks off is a 502, both in the API's JSON error shape.
 */
export function proxyTo(o: ProxyOptions): RequestHandler {
  return async (req, res) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const forwardedFor = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = forwardedFor
      ? `${String(forwardedFor)}, ${req.socket.remoteAddress ?? ''}`
      : (req.socket.remoteAddress ?? '');
    headers['x-forwarded-proto'] = req.protocol;
    if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
    if (req.id) headers['x-request-id'] = req.id;
    Object.assign(headers, o.traceHeaders(req));
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    try {
      const upstream = await request(o.target() + req.originalUrl, {
        method: req.method as 'GET',
        headers,
        ...(hasBody ? { body: req } : {}),
        dispatcher: o.agent,
        headersTimeout: o.timeoutMs,
        bodyTimeout: o.timeoutMs,
      });
      res.status(upstream.statusCode);
      for (const [name, value] of Object.entries(upstream.headers)) {
        // The gateway's own request id and security headers stay; the rest is the upstream's.
        if (value === undefined || HOP_BY_HOP.has(name) || name === 'x-request-id') continue;
        res.setHeader(name, value);
      }
      await pipeline(upstream.body, res);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const timedOut = err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError;
      o.logger.warn(
        {
          upstream: o.upstream,
          reqId: req.id,
          err: { code: (err as { code?: string }).code, message: (err as Error).message },
        },
        'upstream failed',
      );
      if (timedOut)
        sendError(res, 504, 'UPSTREAM_TIMEOUT', `the ${o.upstream} service did not answer in time`);
      else sendError(res, 502, 'UPSTREAM_UNAVAILABLE', `the ${o.upstream} service is unavailable`);
    }
  };
}
