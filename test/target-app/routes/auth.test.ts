import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRATION_ACCEPTED_MESSAGE } from '../../../target-app/routes/auth.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe('POST /api/auth/register', () => {
  it('creates a customer and never returns the password or its hash', async () => {
    const res = await app.request('/api/auth/register', {
      method: 'POST',
      body: { email: 'New.Person@Example.com', password: 'correct horse battery', name: 'New Person' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted', message: REGISTRATION_ACCEPTED_MESSAGE });
    expect(JSON.stringify(res.body)).not.toMatch(/password|argon2|hash/i);
    const { rows } = await app.db.query<{ password_hash: string; name: string; role: string }>(
      'SELECT password_hash, name, role FROM users WHERE email = $1',
      ['new.person@example.com'],
    );
    expect(rows[0]).toMatchObject({ name: 'New Person', role: 'customer' });
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('lets the new account log in', async () => {
    await app.request('/api/auth/register', {
      method: 'POST',
      body: { email: 'second@example.com', password: 'another long secret', name: 'Second' },
    });
    const res = await app.request('/api/auth/login', {
      method: 'POST',
      body: { email: 'SECOND@example.com', password: 'another long secret' },
    });
    expect(res.status).toBe(200);
    expect(res.body.tokenType).toBe('Bearer');
    expect(res.body.expiresIn).toBe(900);
  });

  it('answers a taken email like a new one and leaves the existing account alone', async () => {
    const { rows: before } = await app.db.query('SELECT name, password_hash FROM users WHERE email = $1', [
      'user1@perflab.local',
    ]);
    const res = await app.request('/api/auth/register', {
      method: 'POST',
      body: { email: 'user1@perflab.local', password: 'whatever-long', name: 'Dup' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted', message: REGISTRATION_ACCEPTED_MESSAGE });
    const { rows: after } = await app.db.query('SELECT name, password_hash FROM users WHERE email = $1', [
      'user1@perflab.local',
    ]);
    expect(after).toEqual(before);
  });

  it.each([
    [{ email: 'not-an-email', password: 'longenough', name: 'A' }, 'email'],
    [{ email: 'a@b.co', password: 'short', name: 'A' }, 'password'],
    [{ email: 'a@b.co', password: 'longenough', name: '' }, 'name'],
    [{ email: 'a@b.co', password: 12345678, name: 'A' }, 'password'],
    [{ email: 'a@b.co', password: 'longenough' }, 'name'],
    [{ email: 'a@b.co', password: 'longenough', name: 'A', role: 'admin' }, 'role'],
  ])('rejects %j with a 400 naming %s', async (body, field) => {
    const res = await app.request('/api/auth/register', { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });
});

describe('POST /api/auth/login', () => {
  it('returns a JWT for a seeded customer', async () => {
    const token = await app.login(1);
    expect(token.split('.')).toHaveLength(3);
  });

  it('gives one identical 401 for a wrong password and an unknown email', async () => {
    const wrongPassword = await app.request('/api/auth/login', {
      method: 'POST',
      body: { email: 'user2@perflab.local', password: 'not-the-password' },
    });
    const unknownEmail = await app.request('/api/auth/login', {
      method: 'POST',
      body: { email: 'nobody@perflab.local', password: 'not-the-password' },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
  });

  it('rejects a missing body with 400', async () => {
    const res = await app.request('/api/auth/login', { method: 'POST' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});
