import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_AUDIENCE, JWT_ISSUER } from '../../../target-app/auth/tokens.js';
import { DEV_JWT_SECRET } from '../../../target-app/config.js';
import { ADMIN_EMAIL } from '../../../target-app/seed.js';
import { startTestApp, testRateLimitPrefix, type TestApp } from '../../helpers/app.js';

// Issue 29, item 5: tokens could not be revoked (no logout), the admin role
// was read from the token (a demoted admin kept it until expiry), and a
// `sub` such as "99999999999" reached an int cast (a 500).
const redisUrl = process.env.REDIS_URL;
const prefix = testRateLimitPrefix();
const env = { RATE_LIMIT_PREFIX: prefix, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) };
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env });
});
afterAll(async () => {
  await app?.close();
  if (redisUrl) {
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
});

const me = (token: string) => app.request('/api/users/me', { token });
const logout = (token: string) => app.request('/api/auth/logout', { method: 'POST', token });

describe('logout', () => {
  it('revokes the token it is called with, and only that one', async () => {
    const [a, b] = [await app.login(1), await app.login(1)];
    expect((await me(a)).status).toBe(200);
    expect((await logout(a)).status).toBe(204);
    const after = await me(a);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    expect((await logout(a)).status).toBe(401);
    expect((await me(b)).status).toBe(200);
  });

  it(
    redisUrl
      ? 'holds on every instance: the deny list is in Redis'
      : 'holds on this instance: the deny list is in memory without REDIS_URL',
    async () => {
      const other = await startTestApp({ env, seed: { users: 2, products: 2, orders: 0 } });
      try {
        const token = await other.login(1);
        expect((await other.request('/api/auth/logout', { method: 'POST', token })).status).toBe(204);
        expect((await other.request('/api/users/me', { token })).status).toBe(401);
        // The same secret signs on both; only a shared deny list makes the first refuse it too.
        expect((await me(token)).status).toBe(redisUrl ? 401 : 200);
      } finally {
        await other.close();
      }
    },
  );
});

describe('admin routes ask the database for the role', () => {
  it('refuses a demoted admin at once, though the token still says admin', async () => {
    const token = await app.login('admin');
    const create = () =>
      app.request('/api/products', {
        method: 'POST',
        token,
        body: { name: 'Demotion probe', priceCents: 1 },
      });
    expect((await create()).status).toBe(201);
    await app.db.query("UPDATE users SET role = 'customer' WHERE email = $1", [ADMIN_EMAIL]);
    try {
      const res = await create();
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    } finally {
      await app.db.query("UPDATE users SET role = 'admin' WHERE email = $1", [ADMIN_EMAIL]);
    }
    expect((await create()).status).toBe(201);
  });

  it('answers 401 when the admin account no longer exists', async () => {
    const forged = await sign({ sub: '2147483647', role: 'admin' });
    const res = await app.request('/api/products', {
      method: 'POST',
      token: forged,
      body: { name: 'X', priceCents: 1 },
    });
    expect(res.status).toBe(401);
  });
});

/** A token signed with the app's own (development) key: what a leaked or guessed key would allow. */
function sign(claims: { sub?: string; role?: string; jti?: string | null }) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ role: claims.role ?? 'customer' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 600);
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  if (claims.jti !== null) jwt.setJti(claims.jti ?? randomUUID());
  return jwt.sign(new TextEncoder().encode(DEV_JWT_SECRET));
}

describe('the subject claim', () => {
  it.each(['0x1', '01', '1.0', '99999999999', '2147483648', ' 1', '1e0', '+1', '-1', '0', ''])(
    'refuses sub %j with 401, never 500',
    async (sub) => {
      const res = await me(await sign({ sub }));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    },
  );

  it('refuses a token without a jti (it could not be revoked)', async () => {
    expect((await me(await sign({ sub: '1', jti: null }))).status).toBe(401);
  });

  it('accepts the canonical form (the control)', async () => {
    expect((await me(await sign({ sub: '1' }))).status).toBe(200);
  });
});
