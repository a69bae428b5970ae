import type { RequestHandler } from 'express';
import cors from 'cors';

/** What a browser script on an allowed origin may read from a response. */
export const EXPOSED_HEADERS = ['Location', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id'];
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'X-Request-Id'];
const METHODS = ['GET', 'POST', 'PATCH', 'DELETE'];
const PREFLIGHT_CACHE_SECONDS = 600;

/**
 * CORS from an exact allow-list. An unknown Origin gets no
 * Access-Control-Allow-Origin, so the browser keeps the response from the
 * calling page. Credentials stay off: the API authenticates with bearer
 * tokens, never cookies, so there is nothing ambient for a cross-site page to
 * ride on.
 */
export function corsPolicy(allowed: readonly string[]): RequestHandler {
  const origins = new Set(allowed);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && origins.has(origin)),
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: PREFLIGHT_CACHE_SECONDS,
  });
}
