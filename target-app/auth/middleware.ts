import type { RequestHandler, Response } from 'express';
import { HttpError } from '../http/errors.js';
import type { Principal, Role, TokenService } from './tokens.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/** Bearer tokens only: the API never reads a cookie, so cross-site requests carry no credentials. */
export function requireAuth(tokens: TokenService): RequestHandler {
  return async (req, res, next) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    const principal = match?.[1] ? await tokens.verify(match[1]) : undefined;
    if (!principal) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'UNAUTHENTICATED', 'a valid bearer token is required');
    }
    res.locals.principal = principal;
    next();
  };
}

export function requireRole(role: Role): RequestHandler {
  return (_req, res, next) => {
    if (principalOf(res).role !== role)
      throw new HttpError(403, 'FORBIDDEN', `this action needs the ${role} role`);
    next();
  };
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new HttpError(401, 'UNAUTHENTICATED', 'a valid bearer token is required');
  return p;
}
