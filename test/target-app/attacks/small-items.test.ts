import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../target-app/config.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

// Issue 29, item 7: token and profile answers could be cached, `bearer` in
// lower case was refused (RFC 7235 makes the scheme case-insensitive), path
// ids took "0x5", "1e3" and " 5", and production took a JWT secret of 36
// repeated characters.
let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startTestApp();
  token = await app.login(1);
});
afterAll(() => app?.close());

describe('Cache-Control: no-store on tokens and personal data', () => {
  it.each([
    [
      'login',
      () =>
        app.request('/api/auth/login', {
          method: 'POST',
          body: { email: 'user2@perflab.local', password: app.config.seedPassword },
        }),
    ],
    [
      'a failed login',
      () =>
        app.request('/api/auth/login', {
          method: 'POST',
          body: { email: 'user2@perflab.local', password: 'wrong one' },
        }),
    ],
    [
      'registration',
      () =>
        app.request('/api/auth/register', {
          method: 'POST',
          body: {
            email: `ns-${randomBytes(4).toString('hex')}@example.com`,
            password: 'long enough secret',
            name: 'N',
          },
        }),
    ],
    ['the profile', () => app.request('/api/users/me', { token })],
  ])('on %s', async (_name, send) => {
    const res = await send();
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('the Bearer scheme', () => {
  it.each(['bearer', 'BEARER', 'BeArEr'])('accepts %s', async (scheme) => {
    const res = await app.request('/api/users/me', { headers: { authorization: `${scheme} ${token}` } });
    expect(res.status).toBe(200);
  });

  it.each(['Basic', 'Bearer:', 'Token'])('still refuses the scheme %s', async (scheme) => {
    const res = await app.request('/api/users/me', { headers: { authorization: `${scheme} ${token}` } });
    expect(res.status).toBe(401);
  });
});

describe('path ids: canonical decimal only', () => {
  const forms = ['0x5', '1e3', ' 5', '5 ', '05', '+5', '5.0', '0', '-5', '0b101', '2147483648', '5%00'];
  it.each(forms)('GET /api/products/%j is a 400 naming id', async (id) => {
    const res = await app.request(`/api/products/${encodeURIComponent(id)}`);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('id');
  });

  it.each(forms)('GET /api/orders/%j is a 400 naming id', async (id) => {
    const res = await app.request(`/api/orders/${encodeURIComponent(id)}`, { token });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('id');
  });

  it('GET /api/products/5 still answers (the control)', async () => {
    expect((await app.request('/api/products/5')).status).toBe(200);
  });
});

describe('the JWT secret in production', () => {
  const production = (secret: string) =>
    loadConfig({
      NODE_ENV: 'production',
      PERFLAB_SEED_PASSWORD: 'a-real-seed-password',
      PERFLAB_ADMIN_PASSWORD: 'a-real-admin-password',
      PERFLAB_JWT_SECRET: secret,
    });

  it.each([
    ['a'.repeat(36)],
    ['ab'.repeat(20)],
    ['0123456789'.repeat(4)],
    ['password'.repeat(5)],
    ['abcdefghijklmnopqrstuvwxyz0123456789'],
  ])('refuses the low-entropy %j with PERFLAB_E_WEAK_SECRET', (secret) => {
    expect(() => production(secret)).toThrow(
      expect.objectContaining({
        code: 'PERFLAB_E_WEAK_SECRET',
        message: expect.stringContaining('PERFLAB_JWT_SECRET'),
      }),
    );
  });

  it.each([
    randomBytes(16).toString('hex'),
    randomBytes(32).toString('base64'),
    randomBytes(32).toString('base64url'),
  ])('accepts the random %s', (secret) => {
    expect(production(secret).jwtSecret).toBe(secret);
  });

  it('leaves development alone', () => {
    expect(loadConfig({ PERFLAB_JWT_SECRET: 'a'.repeat(36) }).jwtSecret).toBe('a'.repeat(36));
  });
});
