import cookieParser from 'cookie-parser';
import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { HttpError } from '../http/errors.js';

/**
 * CSRF defence for the one surface authenticated by a cookie: the admin
 * pages of a later issue. The JSON API takes bearer tokens only and needs
 * none of this. Two independent checks, both must pass on every unsafe
 * request:
 *  1. Fetch metadata: a browser says where a request comes from in
 *     Sec-Fetch-Site; anything but same-origin is refused outright.
 *     (Old browsers and non-browser clients send no such header.)
 *  2. Signed double submit (csrf-csrf): the token is an HMAC bound to the
 *     session, set in a cookie and echoed in a header or form field; a
 *     cross-site page can neither read the cookie nor forge the HMAC.
 */

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FORM_FIELD = '_csrf';
/** The __Host- prefix makes browsers refuse the cookie unless Secure, path=/ and no Domain. */
export const CSRF_COOKIE_SECURE = '__Host-perflab.csrf';
export const CSRF_COOKIE_PLAIN = 'perflab.csrf';
export const CSRF_REJECTED = 'CSRF_REJECTED';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const FETCH_SITE_HEADER = 'sec-fetch-site';
const SAME_ORIGIN = 'same-origin';

export interface CookieSurfaceOptions {
  /** HMAC secret(s); several allow rotation (the first signs, all verify). At least 32 characters each. */
  secret: string | string[];
  /** Binds tokens to the session, so a token from one session is worthless in another. */
  sessionIdOf(req: Request): string;
  /** Secure cookies (and the __Host- name). Off only for local development over plain HTTP. */
  secureCookies?: boolean;
}

export interface CookieSurface {
  /** Mount before every route of the cookie surface. */
  protect: RequestHandler[];
  /**
   * Sets the token cookie and returns the token to embed in a page or send as
   * X-CSRF-Token. Call it behind `protect`, which parses the cookies it reads.
   */
  issueToken(req: Request, res: Response): string;
}

const MIN_SECRET_LENGTH = 32;

export function createCookieSurface(options: CookieSurfaceOptions): CookieSurface {
  const secrets = ([] as string[]).concat(options.secret);
  if (secrets.length === 0 || secrets.some((s) => s.length < MIN_SECRET_LENGTH)) {
    throw new TypeError(`CSRF secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const secure = options.secureCookies ?? true;
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => secrets,
    getSessionIdentifier: options.sessionIdOf,
    cookieName: secure ? CSRF_COOKIE_SECURE : CSRF_COOKIE_PLAIN,
    cookieOptions: { sameSite: 'strict', path: '/', secure, httpOnly: true },
    getCsrfTokenFromRequest: (req) => {
      const header = req.get(CSRF_HEADER);
      const field: unknown = (req.body as Record<string, unknown> | undefined)?.[CSRF_FORM_FIELD];
      return header ?? (typeof field === 'string' ? field : undefined);
    },
  });

  const fetchSite: RequestHandler = (req, _res, next) => {
    const site = req.get(FETCH_SITE_HEADER);
    if (!SAFE_METHODS.has(req.method) && site !== undefined && site !== SAME_ORIGIN) {
      throw new HttpError(403, CSRF_REJECTED, 'cross-site requests are not accepted here');
    }
    next();
  };

  const token: RequestHandler = (req, res, next) => {
    doubleCsrfProtection(req, res, (err?: unknown) => {
      if (err) next(new HttpError(403, CSRF_REJECTED, 'missing or invalid CSRF token'));
      else next();
    });
  };

  return {
    protect: [cookieParser(), fetchSite, token],
    issueToken: (req, res) => generateCsrfToken(req, res),
  };
}
