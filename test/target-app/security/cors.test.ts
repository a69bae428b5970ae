import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

const ALLOWED = 'https://shop.example.com';
const EVIL = 'https://evil.example.net';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    env: { CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` },
    seed: { orders: 0 },
  });
});
afterAll(() => app?.close());

const preflight = (origin: string) =>
  fetch(`${app.url}/api/orders`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

describe('CORS allow-list', () => {
  it('reads the list from CORS_ORIGINS', () => {
    expect(app.config.corsOrigins).toEqual([ALLOWED, 'http://localhost:5173']);
  });

  it('lets an allowed origin read responses, without credentials', async () => {
    const res = await app.request('/api/products?limit=1', { headers: { origin: ALLOWED } });
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/Origin/i);
    expect(res.headers.get('access-control-expose-headers')).toContain('RateLimit');
  });

  it('gives an unknown origin no Access-Control-Allow-Origin', async () => {
    for (const origin of [EVIL, 'null', `${ALLOWED}.evil.net`, 'http://shop.example.com']) {
      const res = await app.request('/api/products?limit=1', { headers: { origin } });
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('answers preflights for allowed origins only', async () => {
    const ok = await preflight(ALLOWED);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const evil = await preflight(EVIL);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a CORS_ORIGINS entry that is not an exact origin', async () => {
    const { loadConfig } = await import('../../../target-app/config.js');
    for (const bad of ['*', 'https://shop.example.com/', 'shop.example.com', 'null', 'ftp://x.io']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS/);
    }
  });
});
