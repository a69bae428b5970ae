import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { sendError } from '../http/errors.js';

const BEARER = /^Bearer +(\S+)$/i;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Loopback as the socket sees it (never X-Forwarded-For, which the client writes). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

/**
 * Who may read /metrics (per-route counts, memory, table names and versions
 * help an attacker map the app): with a token, whoever presents it as a
 * bearer token, compared in constant time; without one, loopback clients
 * only, which is what the demo and a local load test need.
 */
export function metricsAccess(token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : digest(token);
  return (req, res, next) => {
    if (expected) {
      const given = BEARER.exec(req.get('authorization') ?? '')?.[1];
      if (given !== undefined && timingSafeEqual(digest(given), expected)) return next();
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'UNAUTHENTICATED', 'metrics need the bearer token set in PERFLAB_METRICS_TOKEN');
      return;
    }
    if (isLoopback(req.socket.remoteAddress)) return next();
    sendError(
      res,
      403,
      'FORBIDDEN',
      'metrics are served to loopback clients only; set PERFLAB_METRICS_TOKEN or METRICS_PORT',
    );
  };
}
