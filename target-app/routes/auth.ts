import type { RequestHandler } from 'express';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { TOKEN_TTL_SECONDS, type TokenService } from '../auth/tokens.js';
import { HttpError } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, RegistrationAccepted, TokenResponse } from '../response-schemas.js';
import { LoginBody, RegisterBody } from '../schemas.js';
import { FLAG } from '../flags/names.js';
import type { FlagReader } from '../flags/types.js';
import { verifyPasswordBlocking } from '../lab/blocking-password.js';
import { createCustomer, findCredentials } from '../store/users.js';

/** Said to every registration, new email or not, so the answer does not tell whether an account exists. */
export const REGISTRATION_ACCEPTED_MESSAGE =
  'registration received: if this email can be used, its account is ready and you can sign in';
const TAG = 'auth';

export interface AuthRouteDeps {
  tokens: TokenService;
  /** The per-IP and per-account failed-login limiters. */
  loginLimiters: RequestHandler[];
  flags: FlagReader;
}

export function authRoutes({ tokens, loginLimiters, flags }: AuthRouteDeps): AnyRoute[] {
  const register = defineRoute({
    method: 'post',
    path: '/api/auth/register',
    access: 'public',
    tag: TAG,
    summary:
      'Create a customer account (the role is never taken from the client); one answer whether or not the email is taken',
    body: RegisterBody,
    responses: {
      202: {
        description: 'accepted; the account exists now if the email was new',
        schema: RegistrationAccepted,
      },
      ...errorResponses(ErrorResponse, 400, 413, 429),
    },
    handler: async ({ db, body, res }) => {
      // Hashed in both cases, so a taken email costs the same time as a new one.
      const passwordHash = await hashPassword(body.password);
      // A taken email gets the same answer as a new one (no account enumeration).
      await createCustomer(db, { email: body.email, name: body.name, passwordHash });
      res.status(202).json({ status: 'accepted', message: REGISTRATION_ACCEPTED_MESSAGE });
    },
  });

  const login = defineRoute({
    method: 'post',
    path: '/api/auth/login',
    access: 'public',
    tag: TAG,
    summary: 'Exchange email and password for a 15-minute bearer token',
    body: LoginBody,
    before: loginLimiters,
    responses: {
      200: { description: 'signed in', schema: TokenResponse },
      ...errorResponses(ErrorResponse, 400, 401, 413, 429),
    },
    handler: async ({ db, body, res }) => {
      const user = await findCredentials(db, body.email);
      // One answer for "no such email" and "wrong password", so accounts cannot be enumerated.
      const ok = flags.isOn(FLAG.BLOCKING_HASH)
        ? verifyPasswordBlocking(user?.passwordHash, body.password)
        : await verifyPassword(user?.passwordHash, body.password);
      if (!ok || !user) {
        throw new HttpError(401, 'INVALID_CREDENTIALS', 'email or password is wrong');
      }
      const token = await tokens.sign({ userId: user.id, role: user.role });
      res.json({ token, tokenType: 'Bearer', expiresIn: TOKEN_TTL_SECONDS });
    },
  });

  return [register, login];
}
