import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  PERFLAB_SEED_PASSWORD: 'a-real-seed-password',
  PERFLAB_ADMIN_PASSWORD: 'a-real-admin-password',
  PERFLAB_JWT_SECRET: 'f3a9c07e1b5d24686e0f9a3c7b1d5e28',
};
const SMALL_SEED = { users: 2, products: 3, orders: 0 };

const send = (app: TestApp, path: string, proto: string, init: { method?: string; host?: string } = {}) =>
  fetch(app.url + path, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: { 'x-forwarded-proto': proto, ...(init.host ? { host: init.host } : {}) },
  });

describe('HTTPS in production behind a trusted proxy', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ...PRODUCTION, TRUST_PROXY: 'loopback' }, seed: SMALL_SEED });
  });
  afterAll(() => app?.close());

  it('redirects plain HTTP to the same URL on https with 308, keeping the method', async () => {
    const host = new URL(app.url).host;
    for (const method of ['GET', 'POST']) {
      const res = await send(app, '/api/products?limit=2&q=a', 'http', { method });
      expect(res.status, method).toBe(308);
      expect(res.headers.get('location')).toBe(`https://${host}/api/products?limit=2&q=a`);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('serves requests the proxy received over https, with HSTS', async () => {
    const res = await send(app, '/api/products?limit=1', 'https');
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toContain('max-age=31536000');
  });

  it('refuses to build a redirect from a Host header that is not a host name', async () => {
    const { port } = new URL(app.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/products',
          headers: { host: 'evil.example@x', 'x-forwarded-proto': 'http' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });

  it('leaves liveness and readiness checks on plain HTTP alone', async () => {
    expect((await send(app, '/healthz', 'http')).status).toBe(200);
    expect((await send(app, '/readyz', 'http')).status).toBe(200);
  });
});

describe('HTTPS redirect when the proxy is not trusted', () => {
  let app: TestApp;
  beforeAll(async () => {
    // The proxy list does not include 127.0.0.1, so its X-Forwarded-Proto is a client's claim.
    app = await startTestApp({ env: { ...PRODUCTION, TRUST_PROXY: '10.0.0.0/8' }, seed: SMALL_SEED });
  });
  afterAll(() => app?.close());

  it('ignores a forged X-Forwarded-Proto: https from an untrusted client', async () => {
    const res = await send(app, '/api/products?limit=1', 'https');
    expect(res.status).toBe(308);
  });
});

describe('HTTPS redirect outside production', () => {
  it('is off, so local development over http works', async () => {
    const app = await startTestApp({ env: { TRUST_PROXY: 'loopback' }, seed: SMALL_SEED });
    try {
      expect((await send(app, '/api/products?limit=1', 'http')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
