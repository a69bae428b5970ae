import type { Express } from 'express';
import type { Logger } from 'pino';
import { requireAuth, principalOf } from '../../auth/middleware.js';
import { hashPassword, verifyPassword } from '../../auth/password.js';
import { TOKEN_TTL_SECONDS, type TokenService } from '../../auth/tokens.js';
import type { AppConfig } from '../../config.js';
import type { Db } from '../../db/types.js';
import { HttpError, notFound } from '../../http/errors.js';
import { parse } from '../../http/validate.js';
import { IdParams, LoginBody, RegisterBody } from '../../schemas.js';
import { createRateLimiters } from '../../security/rate-limit.js';
import type { RedisCommander } from '../../security/redis-store.js';
import type { ServiceInstrumentation } from '../shared/instrument-service.js';
import { createServiceApp } from '../shared/service-app.js';
import { toUser, userStore } from './user-store.js';

const UNIQUE_VIOLATION = '23505';

export interface UsersAppDeps {
  instr: ServiceInstrumentation;
  config: AppConfig;
  db: Db;
  schema: string;
  tokens: TokenService;
  redis?: RedisCommander;
}

/**
 * The users service: registration, login (with the failed-login limiters,
 * which need the account), the caller's profile, and the internal lookup the
 * orders service makes through its circuit breaker.
 */
export function createUsersApp({ instr, config, db, schema, tokens, redis }: UsersAppDeps): Express {
  const users = userStore(schema);
  const limiters = createRateLimiters(config, instr.logger as Logger, redis);
  return createServiceApp({
    instr,
    config,
    db,
    routes(app, requestDb) {
      app.post('/api/auth/register', async (req, res) => {
        const body = parse(RegisterBody, req.body, 'body');
        const passwordHash = await hashPassword(body.password);
        try {
          const row = await users.insert(requestDb(req), {
            email: body.email,
            name: body.name,
            passwordHash,
          });
          res.status(201).json(toUser(row));
        } catch (err) {
          if ((err as { code?: string }).code === UNIQUE_VIOLATION)
            throw new HttpError(409, 'EMAIL_TAKEN', 'an account with this email already exists', 'email');
          throw err;
        }
      });
      app.post('/api/auth/login', ...limiters.login, async (req, res) => {
        const body = parse(LoginBody, req.body, 'body');
        const user = await users.credentials(requestDb(req), body.email);
        // One answer for "no such email" and "wrong password", so accounts cannot be enumerated.
        if (!(await verifyPassword(user?.password_hash, body.password)) || !user)
          throw new HttpError(401, 'INVALID_CREDENTIALS', 'email or password is wrong');
        const token = await tokens.sign({ userId: user.id, role: user.role });
        res.json({ token, tokenType: 'Bearer', expiresIn: TOKEN_TTL_SECONDS });
      });
      app.get('/api/users/me', requireAuth(tokens), async (req, res) => {
        const row = await users.byId(requestDb(req), principalOf(res).userId);
        if (!row) throw notFound('user');
        res.json(toUser(row));
      });
      // Not routed by the gateway: only services on the internal network reach it.
      app.get('/internal/users/:id', async (req, res) => {
        const { id } = parse(IdParams, req.params, 'params');
        const row = await users.byId(requestDb(req), id);
        if (!row) throw notFound('user');
        res.json({ id: row.id, name: row.name, email: row.email });
      });
    },
  });
}
