import { createHmac } from 'node:crypto';
import express, {
  Router,
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Logger } from 'pino';
import { verifyPassword } from '../auth/password.js';
import type { TokenDenyList } from '../auth/deny-list.js';
import type { TokenService } from '../auth/tokens.js';
import type { Db } from '../db/types.js';
import { FlagRefusedError, isFlagName, type Flags } from '../flags/index.js';
import { HttpError } from '../http/errors.js';
import { LoginBody } from '../schemas.js';
import { createCookieSurface } from '../security/csrf.js';
import { findCredentials } from '../store/users.js';
import { createAdminSession, type SignedIn } from './session.js';
import { flagsPage, loginPage, messagePage } from './views.js';

export interface AdminPagesDeps {
  /** The database for a request (the probes bind it to the request). */
  dbFor(req: Request): Db;
  flags: Flags;
  tokens: TokenService;
  /** Where signing out revokes the session's token, as the API's logout does. */
  denyList: TokenDenyList;
  /** Signs the CSRF tokens (a key derived from it, not the secret itself). */
  secret: string;
  /** Secure cookies with the __Host- prefix; production only (plain HTTP in development and tests). */
  secureCookies: boolean;
  /** The API's limiter, applied here too, and the failed-login limiters of /api/auth/login. */
  limiter: RequestHandler;
  loginLimiters: RequestHandler[];
  logger: Pick<Logger, 'info' | 'warn'>;
}

const FORM_LIMIT = '10kb';
const adminRouters = new WeakSet<object>();

/**
 * True for the router adminPages() made: the HTML surface outside the JSON
 * API and its OpenAPI document, so the API inventory test can tell it apart.
 */
export const isAdminPages = (handler: unknown): boolean =>
  typeof handler === 'function' && adminRouters.has(handler);
const HTML_CACHE = 'no-store';

/**
 * `/admin`: a server-rendered page to see and switch the optimization-lab
 * flags, for admins only. The session is a cookie; every POST passes the
 * cookie surface's two CSRF checks (security/csrf.ts); every value rendered
 * is escaped (views.ts). Mount at /admin.
 */
export function adminPages(deps: AdminPagesDeps): Router {
  const session = createAdminSession({ tokens: deps.tokens, secure: deps.secureCookies });
  // A key of its own for the CSRF HMAC: the JWT secret is never used for two purposes.
  const csrfSecret = createHmac('sha256', deps.secret).update('perflab admin csrf').digest('hex');
  const surface = createCookieSurface({
    secret: csrfSecret,
    sessionIdOf: (req) => session.idOf(req),
    secureCookies: deps.secureCookies,
  });
  const router = Router();
  router.use(deps.limiter);
  router.use((_req, res, next) => {
    res.set('Cache-Control', HTML_CACHE);
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 20 }));
  // The cookie parser comes first in `protect`; the visitor id must exist before a token is issued.
  const [parseCookies, ...checks] = surface.protect;
  if (parseCookies) router.use(parseCookies);
  router.use((req, res, next) => {
    session.ensureVisitor(req, res);
    next();
  });
  router.use(checks);

  const page = (res: Response, status: number, body: string): void => {
    res.status(status).type('html').send(body);
  };

  const requireAdmin = async (req: Request, res: Response): Promise<SignedIn | undefined> => {
    const admin = await session.adminOf(req, deps.dbFor(req));
    if (admin) return admin;
    if (await session.principalOf(req)) {
      page(res, 403, messagePage('Not allowed', 'This page needs the admin role.'));
    } else {
      res.redirect(303, '/admin/login');
    }
    return undefined;
  };

  const renderFlags = (req: Request, res: Response, admin: SignedIn, status = 200, error?: string) =>
    page(res, status, flagsPage(surface.issueToken(req, res), admin.email, deps.flags.all(), error));

  router.get('/', async (req, res) => {
    const admin = await requireAdmin(req, res);
    if (admin) renderFlags(req, res, admin);
  });

  router.get('/login', (req, res) => {
    page(res, 200, loginPage(surface.issueToken(req, res)));
  });

  router.post('/login', ...deps.loginLimiters, async (req, res) => {
    const form = req.body as Record<string, unknown>;
    const parsed = LoginBody.safeParse({ email: form.email, password: form.password });
    const email = typeof form.email === 'string' ? form.email.slice(0, 200) : '';
    const user = parsed.success ? await findCredentials(deps.dbFor(req), parsed.data.email) : undefined;
    // The API's rule: one answer for "no such email" and "wrong password".
    const ok = parsed.success && (await verifyPassword(user?.passwordHash, parsed.data.password));
    if (!ok || !user) {
      page(res, 401, loginPage(surface.issueToken(req, res), 'Email or password is wrong.', email));
      return;
    }
    if (user.role !== 'admin') {
      // Signed in as a customer: no session is started, so nothing here is reachable with it.
      page(res, 403, messagePage('Not allowed', 'This page needs the admin role.'));
      return;
    }
    await session.start(res, { userId: user.id, role: user.role });
    deps.logger.info({ userId: user.id }, 'admin page: signed in');
    res.redirect(303, '/admin');
  });

  router.post('/logout', async (req, res) => {
    // Revoked, not only forgotten by this browser: a copied cookie stops working too.
    const principal = await session.principalOf(req);
    if (principal) await deps.denyList.deny(principal.tokenId, principal.expiresAt);
    session.end(res);
    res.redirect(303, '/admin/login');
  });

  router.post('/flags', async (req, res) => {
    const admin = await requireAdmin(req, res);
    if (!admin) return;
    const { flag, enabled } = req.body as Record<string, unknown>;
    if (typeof flag !== 'string' || !isFlagName(flag))
      throw new HttpError(400, 'UNKNOWN_FLAG', `unknown flag ${JSON.stringify(String(flag).slice(0, 60))}`);
    if (enabled !== 'true' && enabled !== 'false')
      throw new HttpError(400, 'INVALID_VALUE', 'enabled must be "true" or "false"');
    try {
      await deps.flags.set({ [flag]: enabled === 'true' }, `admin#${admin.userId} (admin page)`);
    } catch (err) {
      if (!(err instanceof FlagRefusedError)) throw err;
      renderFlags(req, res, admin, 409, `${err.flag}: ${err.message}`);
      return;
    }
    res.redirect(303, '/admin');
  });

  router.use(htmlErrors);
  adminRouters.add(router);
  return router;
}

/** Known errors (CSRF rejections, bad form values, rate limits) as a page; anything else goes to the app's handler. */
const htmlErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  if (!(err instanceof HttpError) || res.headersSent) {
    next(err);
    return;
  }
  res
    .status(err.status)
    .type('html')
    .send(messagePage(`Error ${err.status}`, err.message));
};
