import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** HSTS for one year, on subdomains too, and eligible for the browsers' preload list. */
export const HSTS_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/**
 * The seed's Content-Security-Policy on top of helmet's defaults (which add
 * object-src 'none', base-uri 'self', frame-ancestors 'self', form-action
 * 'self' and script-src-attr 'none'). The JSON API renders no HTML, so the
 * policy costs nothing here and protects any HTML page the app serves later:
 * scripts only from our own origin, never inline.
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  scriptSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'https:'],
};

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: true, directives: CSP_DIRECTIVES },
    strictTransportSecurity: { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true, preload: true },
    // helmet sets nosniff, frame and referrer headers and removes X-Powered-By by default.
  });
}
