import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HSTS_MAX_AGE_SECONDS } from '../../../target-app/security/headers.js';
import { failingOn } from '../../helpers/failing-db.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

// OWASP API8:2023 Security Misconfiguration: headers, and errors that tell an attacker nothing.
const FAIL_MARKER = 'perflab-force-failure';
let app: TestApp;
let customer: string;

beforeAll(async () => {
  app = await startTestApp({
    instrumentation: (db) => ({
      db: failingOn(db, FAIL_MARKER, {
        sql: 'SELECT secret_column FROM secret_table WHERE password_hash = $1',
      }),
    }),
  });
  customer = await app.login(1);
});
afterAll(() => app?.close());

const KINDS: [string, () => ReturnType<TestApp['request']>][] = [
  ['200', () => app.request('/api/products?limit=1')],
  [
    '201',
    () =>
      app.request('/api/orders', {
        method: 'POST',
        token: customer,
        body: { items: [{ productId: 2, quantity: 1 }] },
      }),
  ],
  ['400', () => app.request('/api/products?limit=abc')],
  ['401', () => app.request('/api/users/me')],
  ['404', () => app.request('/api/nope')],
  ['413', () => app.request('/api/auth/login', { method: 'POST', body: { pad: 'x'.repeat(120_000) } })],
  ['500', () => app.request(`/api/products?q=${FAIL_MARKER}`)],
  ['health', () => app.request('/healthz')],
];

describe('API8 security headers on every kind of response', () => {
  it.each(KINDS)('%s', async (_kind, send) => {
    const res = await send();
    const h = res.headers;
    expect(h.get('x-powered-by')).toBeNull();
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('content-type')).toMatch(/^application\/json; charset=utf-8$/);
    expect(h.get('strict-transport-security')).toBe(
      `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains; preload`,
    );
    const csp = h.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "img-src 'self' data: https:",
      "object-src 'none'",
      "frame-ancestors 'self'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(h.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(h.get('referrer-policy')).toBe('no-referrer');
    expect(h.get('cross-origin-opener-policy')).toBe('same-origin');
  });
});

describe('API8 errors reveal nothing', () => {
  it('a forced internal error returns a generic 500 with no stack, SQL or driver text', async () => {
    const res = await app.request(`/api/products?q=${FAIL_MARKER}`);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: {
        code: 'INTERNAL',
        message: 'internal server error',
        requestId: res.headers.get('x-request-id'),
      },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/secret|SELECT|relation|column|at \S+\.ts|node_modules/i);
  });

  it('malformed JSON does not echo the parser message', async () => {
    const res = await app.request('/api/auth/login', { method: 'POST', body: '{"email": "a@b.co", "pass' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/Unexpected|position|JSON\.parse|SyntaxError/);
  });

  it('unknown methods and routes get a JSON 404, not an HTML page', async () => {
    for (const [method, path] of [
      ['PUT', '/api/products/1'],
      ['GET', '/wp-admin'],
      ['GET', '/api/../etc/passwd'],
    ] as const) {
      const res = await app.request(path, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('ignores a hostile X-Request-Id rather than reflecting it', async () => {
    const res = await app.request('/healthz', { headers: { 'x-request-id': '<script>alert(1)</script>' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
