import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  POLICY_API,
  POLICY_LOGIN_ACCOUNT,
  POLICY_LOGIN_IP,
  RATE_LIMITED,
} from '../../../target-app/security/rate-limit.js';
import { startTestApp, testRateLimitPrefix, type TestApp } from '../../helpers/app.js';

// Each test starts apps with low limits of its own; the rest of the suite runs with generous ones.
const started: TestApp[] = [];
async function appWith(env: Record<string, string>): Promise<TestApp> {
  const app = await startTestApp({ env, seed: { users: 3, products: 3, orders: 0 } });
  started.push(app);
  return app;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.close()));
});

const login = (app: TestApp, email: string, password: string, ip?: string) =>
  app.request('/api/auth/login', {
    method: 'POST',
    body: { email, password },
    ...(ip ? { headers: { 'x-forwarded-for': ip } } : {}),
  });

describe('the general /api limit', () => {
  it('lets the limit through with RateLimit headers, then answers a JSON 429 with Retry-After', async () => {
    const app = await appWith({ RATE_LIMIT_API_MAX: '3' });
    for (let i = 0; i < 3; i++) {
      const ok = await app.request('/api/products?limit=1');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toMatch(new RegExp(`^"${POLICY_API}"; q=3; w=900(;|$)`));
      expect(ok.headers.get('ratelimit')).toMatch(new RegExp(`^"${POLICY_API}"; r=${2 - i}; t=\\d+`));
    }
    const limited = await app.request('/api/products?limit=1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    expect(limited.body).toEqual({ error: { code: RATE_LIMITED, message: expect.any(String) } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit')).toMatch(/r=0/);
  });

  it('does not count health checks, which live outside /api', async () => {
    const app = await appWith({ RATE_LIMIT_API_MAX: '1' });
    for (let i = 0; i < 5; i++) expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/api/products?limit=1')).status).toBe(200);
  });

  it('takes the window and limits from config', async () => {
    const app = await appWith({ RATE_LIMIT_API_MAX: '7', RATE_LIMIT_WINDOW_MS: '60000' });
    expect(app.config.rateLimit).toMatchObject({ apiMax: 7, windowMs: 60_000 });
    const res = await app.request('/api/products?limit=1');
    expect(res.headers.get('ratelimit-policy')).toMatch(new RegExp(`^"${POLICY_API}"; q=7; w=60(;|$)`));
  });
});

describe('the login limit', () => {
  it('counts failed logins per IP across accounts', async () => {
    const app = await appWith({ RATE_LIMIT_LOGIN_MAX: '5' });
    for (let i = 1; i <= 5; i++)
      expect((await login(app, `nobody${i}@x.io`, 'wrong-password')).status).toBe(401);
    const sixth = await login(app, 'someone-else@x.io', 'wrong-password');
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('ratelimit-policy')).toContain(`"${POLICY_LOGIN_IP}"`);
  });

  it('counts failed logins per account across IPs', async () => {
    // Behind a trusted proxy each X-Forwarded-For is a different client address.
    const app = await appWith({ RATE_LIMIT_LOGIN_MAX: '5', TRUST_PROXY: 'loopback' });
    for (let i = 1; i <= 5; i++) {
      expect((await login(app, 'user1@perflab.local', 'wrong-password', `203.0.113.${i}`)).status).toBe(401);
    }
    const sixth = await login(app, 'USER1@perflab.local ', 'wrong-password', '203.0.113.99');
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('ratelimit-policy')).toContain(`"${POLICY_LOGIN_ACCOUNT}"`);
    // Another account from that fresh address is still fine.
    expect((await login(app, 'user2@perflab.local', app.config.seedPassword, '203.0.113.99')).status).toBe(
      200,
    );
  });

  it('does not count successful logins', async () => {
    const app = await appWith({ RATE_LIMIT_LOGIN_MAX: '2' });
    for (let i = 0; i < 6; i++)
      expect((await login(app, 'user1@perflab.local', app.config.seedPassword)).status).toBe(200);
    expect((await login(app, 'user1@perflab.local', 'wrong-password')).status).toBe(401);
  });
});

// Shared counters need Redis; the api-postgres project runs this against the
// real one whenever REDIS_URL is set (CI sets it), api-embedded checks the
// in-memory behaviour instead.
const redisUrl = process.env.PERFLAB_TEST_DB === 'pglite' ? undefined : process.env.REDIS_URL;

describe(`the counter store (${redisUrl ? 'Redis' : 'memory'})`, () => {
  let redis: Redis | undefined;
  afterAll(async () => {
    await redis?.quit();
  });

  it(
    redisUrl
      ? 'shares counters between app instances through Redis, under the configured prefix'
      : 'keeps counters per app instance in memory',
    async () => {
      const prefix = testRateLimitPrefix();
      const env = {
        RATE_LIMIT_API_MAX: '4',
        RATE_LIMIT_PREFIX: prefix,
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      };
      const [a, b] = [await appWith(env), await appWith(env)];
      expect(a.config.redisUrl).toBe(redisUrl);
      for (const app of [a, a, b, b]) expect((await app.request('/api/products?limit=1')).status).toBe(200);
      const fifth = await a.request('/api/products?limit=1');
      if (redisUrl) {
        expect(fifth.status).toBe(429);
        redis = new Redis(redisUrl);
        const keys = await redis.keys(`${prefix}*`);
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.every((k) => k.startsWith(`${prefix}${POLICY_API}:`))).toBe(true);
        await redis.del(...keys);
      } else {
        expect(fifth.status).toBe(200);
      }
    },
  );
});
