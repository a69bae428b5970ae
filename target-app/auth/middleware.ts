import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/types.js';
import { HttpError } from '../http/errors.js';
import { currentRole } from './current-role.js';
import type { Principal, Role, TokenPrincipal, TokenService } from './tokens.js';

// The auth scheme is case-insensitive (RFC 7235 section 2.1); the token itself is not.
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/i;

const unauthenticated = (res: Response): HttpError => {
  res.setHeader('WWW-Authenticate', 'Bearer');
  return new HttpError(401, 'UNAUTHENTICATED', 'a valid bearer token is required');
};

/** Bearer tokens only: the API never reads a cookie, so cross-site requests carry no credentials. */
export function requireAuth(tokens: TokenService): RequestHandler {
  return async (req, res, next) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    const principal = match?.[1] ? await tokens.verify(match[1]) : undefined;
    if (!principal) throw unauthenticated(res);
    res.locals.principal = principal;
    next();
  };
}

/**
 * The token's role claim first (no query for the common refusal), then, with
 * `dbFor`, the role the database holds now: a demoted admin is refused at
 * once, a deleted account is a 401.
 */
export function requireRole(role: Role, dbFor?: (req: Request) => Db): RequestHandler {
  return async (req, res, next) => {
    const principal = principalOf(res);
    if (principal.role !== role) throw new HttpError(403, 'FORBIDDEN', `this action needs the ${role} role`);
    if (dbFor) {
      const now = await currentRole(dbFor(req), principal.userId);
      if (now === undefined) throw unauthenticated(res);
      if (now !== role) throw new HttpError(403, 'FORBIDDEN', `this action needs the ${role} role`);
    }
    next();
  };
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new HttpError(401, 'UNAUTHENTICATED', 'a valid bearer token is required');
  return p;
}

/** The verified token behind the request (its id and expiry), for logout. */
export function tokenOf(res: Response): TokenPrincipal {
  return principalOf(res) as TokenPrincipal;
}
