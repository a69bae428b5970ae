import type { RequestHandler } from 'express';
import { sendError } from '../http/errors.js';

/** Liveness and readiness checks come straight from the orchestrator over plain HTTP. */
const EXEMPT_PATHS = new Set(['/healthz', '/readyz']);
// A host name or IP literal with an optional port; anything else could steer the redirect elsewhere.
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
/** Permanent, and unlike 301 it keeps the method and body of a POST. */
const REDIRECT_STATUS = 308;

/**
 * Sends plain-HTTP requests to https. Installed only in production behind a
 * trusted proxy: `req.secure` then reads X-Forwarded-Proto from that proxy
 * alone, and a client cannot fake it. HSTS makes browsers skip the plain
 * request next time.
 */
export function httpsRedirect(): RequestHandler {
  return (req, res, next) => {
    if (req.secure || EXEMPT_PATHS.has(req.path)) {
      next();
      return;
    }
    const host = req.get('host') ?? '';
    if (!HOST.test(host)) {
      sendError(res, 400, 'BAD_HOST', 'the Host header is not a host name');
      return;
    }
    const location = `https://${host}${req.originalUrl}`;
    res.status(REDIRECT_STATUS).location(location);
    sendError(res, REDIRECT_STATUS, 'HTTPS_REQUIRED', 'use https');
  };
}
