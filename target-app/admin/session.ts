import { createHmac, randomBytes } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import { TOKEN_TTL_SECONDS, type Principal, type TokenPrincipal, type TokenService } from '../auth/tokens.js';
import type { Db } from '../db/types.js';
import { findUser } from '../store/users.js';

/**
 * The admin page's session: the same signed, 15-minute JWT the API hands
 * out, kept in an HttpOnly, SameSite=Strict cookie instead of a header, so
 * the page needs no script. With Secure cookies (production) the names carry
 * the __Host- prefix: browsers then refuse them unless Secure, path=/ and
 * without Domain, so a sibling subdomain cannot plant one.
 */
export interface AdminSessionOptions {
  tokens: TokenService;
  /** Secure cookies and __Host- names; off only for local development over plain HTTP. */
  secure: boolean;
}

export interface AdminSession {
  /** Value the CSRF token is bound to: the session, or before login the anonymous visitor id. */
  idOf(req: Request): string;
  /** Gives a visitor without one an anonymous id, so the login form's CSRF token is bound to something. */
  ensureVisitor(req: Request, res: Response): void;
  start(res: Response, principal: Principal): Promise<void>;
  end(res: Response): void;
  /** The signed-in admin, checked against the database (a demoted account loses the page at once). */
  adminOf(req: Request, db: Db): Promise<SignedIn | undefined>;
  /** Whoever the cookie names, admin or not: for telling "sign in" from "not allowed". */
  principalOf(req: Request): Promise<TokenPrincipal | undefined>;
}

export interface SignedIn extends Principal {
  email: string;
}

const cookieValue = (req: Request, name: string): string | undefined => {
  const v: unknown = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

export function createAdminSession({ tokens, secure }: AdminSessionOptions): AdminSession {
  const prefix = secure ? '__Host-' : '';
  const SESSION = `${prefix}perflab.admin`;
  const VISITOR = `${prefix}perflab.visitor`;
  const base: CookieOptions = { httpOnly: true, secure, sameSite: 'strict', path: '/' };

  const principalOf = async (req: Request): Promise<TokenPrincipal | undefined> => {
    const token = cookieValue(req, SESSION);
    return token ? tokens.verify(token) : undefined;
  };

  return {
    idOf(req) {
      const session = cookieValue(req, SESSION);
      // The raw JWT is not needed as the binding: its digest is, and keeps the HMAC input short.
      if (session) return createHmac('sha256', 'perflab-admin-session').update(session).digest('hex');
      return cookieValue(req, VISITOR) ?? '';
    },
    ensureVisitor(req, res) {
      if (cookieValue(req, VISITOR)) return;
      const id = randomBytes(32).toString('hex');
      res.cookie(VISITOR, id, base);
      // Later middleware in this request (the CSRF token) must see the id just set.
      (req.cookies as Record<string, string>)[VISITOR] = id;
    },
    async start(res, principal) {
      res.cookie(SESSION, await tokens.sign(principal), { ...base, maxAge: TOKEN_TTL_SECONDS * 1000 });
    },
    end(res) {
      res.clearCookie(SESSION, base);
    },
    principalOf,
    async adminOf(req, db) {
      const principal = await principalOf(req);
      if (principal?.role !== 'admin') return undefined;
      const user = await findUser(db, principal.userId);
      return user?.role === 'admin' ? { ...principal, email: user.email } : undefined;
    },
  };
}
