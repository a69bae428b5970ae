import { Router } from 'express';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { TOKEN_TTL_SECONDS, type Role, type TokenService } from '../auth/tokens.js';
import type { Db } from '../db/types.js';
import { HttpError } from '../http/errors.js';
import { parse } from '../http/validate.js';
import { LoginBody, RegisterBody } from '../schemas.js';
import { toUser, type UserRow } from './users.js';

const UNIQUE_VIOLATION = '23505';

export function authRoutes(db: Db, tokens: TokenService): Router {
  const router = Router();

  router.post('/register', async (req, res) => {
    const body = parse(RegisterBody, req.body, 'body');
    const passwordHash = await hashPassword(body.password);
    try {
      const { rows } = await db.query<UserRow>(
        `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
         RETURNING id, email, name, role, created_at`,
        [body.email, body.name, passwordHash],
      );
      res.status(201).json(toUser(rows[0] as UserRow));
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new HttpError(409, 'EMAIL_TAKEN', 'an account with this email already exists', 'email');
      }
      throw err;
    }
  });

  router.post('/login', async (req, res) => {
    const body = parse(LoginBody, req.body, 'body');
    const { rows } = await db.query<{ id: number; role: Role; password_hash: string }>(
      'SELECT id, role, password_hash FROM users WHERE email = $1',
      [body.email],
    );
    const user = rows[0];
    // One answer for "no such email" and "wrong password", so accounts cannot be enumerated.
    if (!(await verifyPassword(user?.password_hash, body.password)) || !user) {
      throw new HttpError(401, 'INVALID_CREDENTIALS', 'email or password is wrong');
    }
    const token = await tokens.sign({ userId: user.id, role: user.role });
    res.json({ token, tokenType: 'Bearer', expiresIn: TOKEN_TTL_SECONDS });
  });

  return router;
}
