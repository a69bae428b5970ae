import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_TOO_LARGE, ORDER_UNITS_MAX } from '../../../target-app/schemas.js';
import { POLICY_ORDERS_ACCOUNT, RATE_LIMITED } from '../../../target-app/security/rate-limit.js';
import { startTestApp, testRateLimitPrefix, type TestApp } from '../../helpers/app.js';

// Issue 29, item 3 (OWASP API6): one free account could buy up all stock,
// 50 lines of 1,000 units per order, order after order. Now an order takes
// at most ORDER_UNITS_MAX units (422 naming the limit) and an account places
// at most RATE_LIMIT_ORDER_MAX orders per window (429 naming the limit),
// counted in Redis when REDIS_URL is set.
const ORDER_MAX = 3;
const redisUrl = process.env.REDIS_URL;
const prefix = testRateLimitPrefix();
let app: TestApp;
let alice: string;
let bob: string;
beforeAll(async () => {
  app = await startTestApp({
    env: {
      RATE_LIMIT_ORDER_MAX: String(ORDER_MAX),
      RATE_LIMIT_PREFIX: prefix,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    },
  });
  [alice, bob] = await Promise.all([app.login(4), app.login(5)]);
  await app.db.query('UPDATE products SET stock = 100000 WHERE id BETWEEN 1 AND 10');
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

const order = (token: string, items: { productId: number; quantity: number }[]) =>
  app.request('/api/orders', { method: 'POST', token, body: { items } });

describe('per-order quantity cap', () => {
  it(`refuses an order of more than ${ORDER_UNITS_MAX} units in all with 422 naming the limit`, async () => {
    const lines = Array.from({ length: 10 }, (_, i) => ({
      productId: i + 1,
      quantity: ORDER_UNITS_MAX / 10 + 1,
    }));
    const res = await order(bob, lines);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: ORDER_TOO_LARGE, field: 'items' });
    expect(res.body.error.message).toContain(String(ORDER_UNITS_MAX));
    const { rows } = await app.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM products WHERE id BETWEEN 1 AND 10 AND stock <> 100000',
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('refuses one line of 1,000 units the same way', async () => {
    const res = await order(bob, [{ productId: 1, quantity: 1_000 }]);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe(ORDER_TOO_LARGE);
  });
});

describe('per-account order rate limit', () => {
  it(`places ${ORDER_MAX} orders, then answers 429 naming the limit, for that account only`, async () => {
    for (let i = 0; i < ORDER_MAX; i++)
      expect((await order(alice, [{ productId: 2, quantity: 1 }])).status).toBe(201);
    const refused = await order(alice, [{ productId: 2, quantity: 1 }]);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe(RATE_LIMITED);
    expect(refused.body.error.message).toContain(`at most ${ORDER_MAX}`);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.headers.get('ratelimit-policy')).toContain(POLICY_ORDERS_ACCOUNT);
    // Reading is not buying: the account may still browse its orders.
    expect((await app.request('/api/orders', { token: alice })).status).toBe(200);
  });

  it('does not count refused orders against the account', async () => {
    const carol = await app.login(6);
    for (let i = 0; i < ORDER_MAX + 2; i++) {
      expect((await order(carol, [{ productId: 999_999, quantity: 1 }])).status).toBe(422);
    }
    expect((await order(carol, [{ productId: 3, quantity: 1 }])).status).toBe(201);
  });

  it('cannot be evaded with a new token or a forwarded address', async () => {
    const again = await app.login(4);
    const res = await app.request('/api/orders', {
      method: 'POST',
      token: again,
      headers: { 'x-forwarded-for': '203.0.113.9' },
      body: { items: [{ productId: 2, quantity: 1 }] },
    });
    expect(res.status).toBe(429);
  });

  it(
    redisUrl
      ? 'shares the counter with every instance through Redis'
      : 'counts per instance in memory without REDIS_URL',
    async () => {
      const other = await startTestApp({
        env: {
          RATE_LIMIT_ORDER_MAX: String(ORDER_MAX),
          RATE_LIMIT_PREFIX: prefix,
          ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
        },
        seed: { users: 5, products: 5, orders: 0 },
      });
      try {
        const res = await other.request('/api/orders', {
          method: 'POST',
          token: await other.login(4),
          body: { items: [{ productId: 2, quantity: 1 }] },
        });
        // Same user id 4, same prefix: Redis already holds alice's full count.
        expect(res.status).toBe(redisUrl ? 429 : 201);
      } finally {
        await other.close();
      }
    },
  );
});
