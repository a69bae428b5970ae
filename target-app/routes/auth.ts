import type { RequestHandler } from 'express';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { TOKEN_TTL_SECONDS, type TokenService } from '../auth/tokens.js';
import { HttpError } from '../http/errors.js';
import { defineRoute, errorResponses, type AnyRoute } from '../http/route-table.js';
import { ErrorResponse, TokenResponse, UserResponse } from '../response-schemas.js';
import { LoginBody, RegisterBody } from '../schemas.js';
import { FLAG } from '../flags/names.js';
import type { FlagReader } from '../flags/types.js';
import { verifyPasswordBlocking } from '../lab/blocking-password.js';
import { createCustomer, findCredentials } from '../store/users.js';
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
    summary: 'Create a customer account (the role is never taken from the client)',
    body: RegisterBody,
    responses: {
      201: { description: 'created', schema: UserResponse },
      ...errorResponses(ErrorResponse, 400, 409, 413, 429),
    },
    handler: async ({ db, body, res }) => {
      const passwordHash = await hashPassword(body.password);
      const user = await createCustomer(db, { email: body.email, name: body.name, passwordHash });
      if (!user)
        throw new HttpError(409, 'EMAIL_TAKEN', 'an account with this email already exists', 'email');
      res.status(201).json(user);
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
