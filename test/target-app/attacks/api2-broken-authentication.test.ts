import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_AUDIENCE, JWT_ISSUER } from '../../../target-app/auth/tokens.js';
import { DEV_JWT_SECRET } from '../../../target-app/config.js';
import {
  POLICY_LOGIN_ACCOUNT,
  POLICY_LOGIN_IP,
  RATE_LIMITED,
} from '../../../target-app/security/rate-limit.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

// OWASP API2:2023 Broken Authentication: forged tokens and password guessing.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_LOGIN_MAX: '5' } });
});
afterAll(() => app?.close());

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const key = (secret: string) => new TextEncoder().encode(secret);

function token(overrides: { secret?: string; aud?: string; iss?: string; exp?: number; alg?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: overrides.alg ?? 'HS256', typ: 'JWT' })
    .setSubject('1')
    .setIssuer(overrides.iss ?? JWT_ISSUER)
    .setAudience(overrides.aud ?? JWT_AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt(now - 3600)
    .setExpirationTime(overrides.exp ?? now + 600)
    .sign(key(overrides.secret ?? DEV_JWT_SECRET));
}

describe('API2 broken authentication: forged tokens', () => {
  it('accepts a correctly signed token (the control)', async () => {
    expect((await app.request('/api/users/me', { token: await token() })).status).toBe(200);
  });

  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: '1', role: 'admin', iss: JWT_ISSUER, aud: JWT_AUDIENCE, iat: now, exp: now + 600 })}.`;
  const cases: [string, () => Promise<string> | string][] = [
    ['alg none', () => unsigned],
    ['alg none with a signature part', () => `${unsigned}AAAA`],
    ['a wrong key', () => token({ secret: 'x'.repeat(48) })],
    ['HS512 with the right key', () => token({ alg: 'HS512' })],
    ['an expired token', () => token({ exp: now - 60 })],
    ['the wrong audience', () => token({ aud: 'some-other-api' })],
    ['the wrong issuer', () => token({ iss: 'evil' })],
    ['a malformed token', () => 'not.a.jwt'],
    ['garbage', () => 'Zm9v'],
    [
      'a header-swapped token',
      async () => {
        const [, payload, sig] = (await token()).split('.');
        return `${b64({ alg: 'none' })}.${payload}.${sig}`;
      },
    ],
  ];
  it.each(cases)('rejects %s with 401', async (_name, make) => {
    const res = await app.request('/api/users/me', { token: await make() });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('ignores a token offered as a cookie or query parameter', async () => {
    const good = await token();
    expect((await app.request('/api/users/me', { headers: { cookie: `token=${good}` } })).status).toBe(401);
    expect((await app.request(`/api/users/me?access_token=${good}`)).status).toBe(401);
  });
});

describe('API2 broken authentication: password guessing', () => {
  const wrong = (email: string, ip?: string) =>
    app.request('/api/auth/login', {
      method: 'POST',
      body: { email, password: 'not-the-password' },
      ...(ip ? { headers: { 'x-forwarded-for': ip } } : {}),
    });

  it('answers the 6th failed login within the window with 429 and RateLimit headers', async () => {
    for (let i = 0; i < 5; i++) expect((await wrong('user4@perflab.local')).status).toBe(401);
    const sixth = await wrong('user4@perflab.local');
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe(RATE_LIMITED);
    expect(sixth.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(sixth.headers.get('ratelimit-policy')).toMatch(
      new RegExp(`"(${POLICY_LOGIN_IP}|${POLICY_LOGIN_ACCOUNT})"`),
    );
    // Even the right password is refused now: the account is locked for the window.
    const right = await app.request('/api/auth/login', {
      method: 'POST',
      body: { email: 'user4@perflab.local', password: app.config.seedPassword },
    });
    expect(right.status).toBe(429);
  });
});
