import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_AUDIENCE, JWT_ISSUER } from '../../../target-app/auth/tokens.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function forge(claims: Record<string, unknown>, secret: string, exp = '15m'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('1')
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

describe('GET /api/users/me', () => {
  it('returns the caller without any password field', async () => {
    const res = await app.request('/api/users/me', { token: await app.login(3) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 3, email: 'user3@perflab.local', role: 'customer' });
    expect(Object.keys(res.body).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
  });

  it('requires a token', async () => {
    const res = await app.request('/api/users/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('rejects tampered, expired, unsigned and foreign tokens with 401', async () => {
    const good = await app.login(3);
    const [header, , signature] = good.split('.');
    const secret = app.config.jwtSecret;
    const tokens = {
      tamperedPayload: `${header}.${b64({ sub: '1', role: 'admin', iss: JWT_ISSUER, aud: JWT_AUDIENCE })}.${signature}`,
      algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: '1', role: 'customer', iss: JWT_ISSUER, aud: JWT_AUDIENCE, exp: 9e9, iat: 1 })}.`,
      wrongKey: await forge({ role: 'customer' }, 'x'.repeat(40)),
      expired: await forge({ role: 'customer' }, secret, '-1m'),
      wrongAudience: await new SignJWT({ role: 'customer' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('1')
        .setIssuer(JWT_ISSUER)
        .setAudience('someone-else')
        .setIssuedAt()
        .setExpirationTime('15m')
        .sign(new TextEncoder().encode(secret)),
      malformed: 'not.a.jwt',
      garbage: 'Zm9v',
    };
    for (const [kind, token] of Object.entries(tokens)) {
      const res = await app.request('/api/users/me', { token });
      expect(res.status, kind).toBe(401);
      expect(res.body.error.code, kind).toBe('UNAUTHENTICATED');
    }
  });

  it('rejects unknown query parameters', async () => {
    const res = await app.request('/api/users/me?debug=1', { token: await app.login(3) });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('debug');
  });
});
