import type { RequestHandler } from 'express';

/**
 * `Cache-Control: no-store` for answers that carry a token or personal data,
 * so no browser, proxy or CDN keeps a copy (OWASP REST Security: sensitive
 * responses must not be cached).
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** The prefixes whose every answer is private: tokens (/api/auth) and the profile (/api/users). */
export const NO_STORE_PATHS = ['/api/auth', '/api/users'];
