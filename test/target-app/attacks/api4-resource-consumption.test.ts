import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMIT_MAX } from '../../../target-app/schemas.js';
import { POLICY_API, RATE_LIMITED } from '../../../target-app/security/rate-limit.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

// OWASP API4:2023 Unrestricted Resource Consumption.
const BURST_LIMIT = 20;
let app: TestApp;
let customer: string;
beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_API_MAX: String(BURST_LIMIT) } });
  customer = await app.login(1);
});
afterAll(() => app?.close());

describe('API4 unrestricted resource consumption', () => {
  it('refuses a body over the limit with 413 before parsing it', async () => {
    const res = await app.request('/api/orders', {
      method: 'POST',
      token: customer,
      body: { items: [{ productId: 1, quantity: 1 }], pad: 'x'.repeat(200_000) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each(['/api/products?limit=100000', `/api/products?limit=${LIMIT_MAX + 1}`, '/api/orders?limit=100000'])(
    'refuses %s with 400 instead of reading everything',
    async (path) => {
      const res = await app.request(path, { token: customer });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('limit');
    },
  );

  it('caps the work one order can ask for', async () => {
    const items = Array.from({ length: 51 }, (_, i) => ({ productId: i + 1, quantity: 1 }));
    const tooMany = await app.request('/api/orders', { method: 'POST', token: customer, body: { items } });
    expect(tooMany.status).toBe(400);
    const huge = await app.request('/api/orders', {
      method: 'POST',
      token: customer,
      body: { items: [{ productId: 1, quantity: 1_000_000 }] },
    });
    expect(huge.status).toBe(400);
  });

  it('answers a burst past the limit with 429 and RateLimit headers', async () => {
    const results = await Promise.all(
      Array.from({ length: BURST_LIMIT + 10 }, () => app.request('/api/products?limit=1')),
    );
    const statuses = results.map((r) => r.status);
    // Earlier tests in this file used part of the budget: at most BURST_LIMIT pass in total.
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(BURST_LIMIT);
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    for (const r of limited) {
      expect(r.body.error.code).toBe(RATE_LIMITED);
      expect(r.headers.get('ratelimit-policy')).toContain(`"${POLICY_API}"; q=${BURST_LIMIT}`);
      expect(r.headers.get('ratelimit')).toMatch(/r=0/);
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    }
  });
});
