import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  POLICY_API,
  POLICY_LOGIN_ACCOUNT,
  POLICY_LOGIN_IP,
  RATE_LIMITED,
} from '../../../target-app/security/rate-limit.js';
import { createApp } from '../../../target-app/app.js';
import { loadConfig } from '../../../target-app/config.js';
import { connectRedis } from '../../../target-app/security/redis-client.js';
import { startTestApp, testRateLimitPrefix, type TestApp } from '../../helpers/app.js';

// One app with low limits behind a trusted proxy: each test speaks from its
// own X-Forwarded-For addresses, so their counters never meet.
const API_MAX = 8;
const LOGIN_MAX = 5;
const SMALL_SEED = { users: 3, products: 3, orders: 0 };
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    env: {
      RATE_LIMIT_API_MAX: String(API_MAX),
      RATE_LIMIT_LOGIN_MAX: String(LOGIN_MAX),
      TRUST_PROXY: 'loopback',
    },
    seed: SMALL_SEED,
  });
});
afterAll(() => app?.close());

const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
const login = (email: string, password: string, ip: string) =>
  app.request('/api/auth/login', { method: 'POST', body: { email, password }, ...from(ip) });

describe('the general /api limit', () => {
  it('lets the limit through with RateLimit headers, then answers a JSON 429 with Retry-After', async () => {
    for (let i = 0; i < API_MAX; i++) {
      const ok = await app.request('/api/products?limit=1', from('198.51.100.1'));
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toMatch(
        new RegExp(`^"${POLICY_API}"; q=${API_MAX}; w=900(;|$)`),
      );
      expect(ok.headers.get('ratelimit')).toMatch(
        new RegExp(`^"${POLICY_API}"; r=${API_MAX - 1 - i}; t=\\d+`),
      );
    }
    const limited = await app.request('/api/products?limit=1', from('198.51.100.1'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    expect(limited.body).toEqual({ error: { code: RATE_LIMITED, message: expect.any(String) } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit')).toMatch(/r=0/);
    // Another client is unaffected.
    expect((await app.request('/api/products?limit=1', from('198.51.100.2'))).status).toBe(200);
  });

  it('does not count health checks, which live outside /api', async () => {
    for (let i = 0; i < API_MAX + 2; i++)
      expect((await app.request('/healthz', from('198.51.100.3'))).status).toBe(200);
    expect((await app.request('/api/products?limit=1', from('198.51.100.3'))).status).toBe(200);
  });
});

describe('the login limit', () => {
  it('counts failed logins per IP across accounts', async () => {
    for (let i = 1; i <= LOGIN_MAX; i++) {
      expect((await login(`nobody${i}@x.io`, 'wrong-password', '198.51.100.4')).status).toBe(401);
    }
    const sixth = await login('someone-else@x.io', 'wrong-password', '198.51.100.4');
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('ratelimit-policy')).toContain(`"${POLICY_LOGIN_IP}"`);
  });

  it('counts failed logins per account across IPs', async () => {
    for (let i = 1; i <= LOGIN_MAX; i++) {
      expect((await login('user1@perflab.local', 'wrong-password', `203.0.113.${i}`)).status).toBe(401);
    }
    // The same account however it is spelled.
    const sixth = await login('USER1@perflab.local ', 'wrong-password', '203.0.113.99');
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('ratelimit-policy')).toContain(`"${POLICY_LOGIN_ACCOUNT}"`);
    // Another account from that fresh address is still fine.
    expect((await login('user2@perflab.local', app.config.seedPassword, '203.0.113.99')).status).toBe(200);
  });

  it('does not count successful logins', async () => {
    for (let i = 0; i <= LOGIN_MAX; i++) {
      expect((await login('user3@perflab.local', app.config.seedPassword, '198.51.100.5')).status).toBe(200);
    }
    expect((await login('user3@perflab.local', 'wrong-password', '198.51.100.5')).status).toBe(401);
  });
});

// Shared counters need Redis; the api-postgres project runs this against the
// real one whenever REDIS_URL is set (CI sets it), api-embedded checks the
// in-memory behaviour instead.
const redisUrl = process.env.PERFLAB_TEST_DB === 'pglite' ? undefined : process.env.REDIS_URL;

describe(`the counter store (${redisUrl ? 'Redis' : 'memory'})`, () => {
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
      const [a, b] = await Promise.all([
        startTestApp({ env, seed: SMALL_SEED }),
        startTestApp({ env, seed: SMALL_SEED }),
      ]);
      const redis = redisUrl ? new Redis(redisUrl) : undefined;
      try {
        expect(a.config.redisUrl).toBe(redisUrl);
        for (const x of [a, a, b, b]) expect((await x.request('/api/products?limit=1')).status).toBe(200);
        const fifth = await a.request('/api/products?limit=1');
        if (redis) {
          expect(fifth.status).toBe(429);
          const keys = await redis.keys(`${prefix}*`);
          expect(keys.length).toBeGreaterThan(0);
          expect(keys.every((k) => k.startsWith(`${prefix}${POLICY_API}:`))).toBe(true);
          await redis.del(...keys);
        } else {
          expect(fifth.status).toBe(200);
        }
      } finally {
        await Promise.all([a.close(), b.close(), redis?.quit()]);
      }
    },
  );
});

describe('no silent fallback to per-instance counters', () => {
  it('refuses to start when REDIS_URL is set but Redis does not answer', async () => {
    await expect(connectRedis('redis://127.0.0.1:1')).rejects.toMatchObject({
      code: 'PERFLAB_E_REDIS_UNAVAILABLE',
    });
  });

  it('refuses to build the app when REDIS_URL is set but no client is given', () => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(() =>
      createApp({ db: app.db, config, instrumentation: { logger: pino({ level: 'silent' }) } }),
    ).toThrow(expect.objectContaining({ code: 'PERFLAB_E_REDIS_UNAVAILABLE' }));
  });

  it('logs the limits in force at start', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(s) });
    createApp({ db: app.db, config: app.config, instrumentation: { logger } });
    const line = JSON.parse(lines.find((l) => l.includes('security settings')) ?? '{}');
    expect(line.rateLimit).toMatchObject({
      store: 'memory',
      windowMs: 900_000,
      apiMaxPerIp: API_MAX,
      loginFailuresPerIp: LOGIN_MAX,
      loginFailuresPerAccount: LOGIN_MAX,
    });
  });
});
