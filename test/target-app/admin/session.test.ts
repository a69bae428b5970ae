import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { createAdminSession } from '../../../target-app/admin/session.js';
import { createTokenService } from '../../../target-app/auth/tokens.js';
import type { Db } from '../../../target-app/db/types.js';

const tokens = createTokenService('a-test-secret-that-is-long-enough-for-hs256');

function fakeRes() {
  const cookies: { name: string; value: string; options: Record<string, unknown> }[] = [];
  const res = {
    cookie: (name: string, value: string, options: Record<string, unknown>) =>
      cookies.push({ name, value, options }),
  } as unknown as Response;
  return { res, cookies };
}

/** A users table of one row, as findUser reads it. */
const usersDb = (role: string): Db =>
  ({
    kind: 'fake',
    query: () =>
      Promise.resolve({
        rows: [{ id: 7, email: 'a@perflab.local', name: 'A', role, created_at: new Date(0) }],
      }),
  }) as unknown as Db;

describe('admin session cookie', () => {
  it('in production: __Host- name, Secure, HttpOnly, SameSite=Strict, path=/, expiring with the token', async () => {
    const { res, cookies } = fakeRes();
    await createAdminSession({ tokens, secure: true }).start(res, { userId: 7, role: 'admin' });
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({
      name: '__Host-perflab.admin',
      options: { secure: true, httpOnly: true, sameSite: 'strict', path: '/', maxAge: 15 * 60 * 1000 },
    });
    expect(cookies[0]?.options).not.toHaveProperty('domain');
  });

  it('over plain HTTP (development): no prefix, since browsers drop __Host- cookies that are not Secure', async () => {
    const { res, cookies } = fakeRes();
    await createAdminSession({ tokens, secure: false }).start(res, { userId: 7, role: 'admin' });
    expect(cookies[0]).toMatchObject({ name: 'perflab.admin', options: { secure: false, httpOnly: true } });
  });

  it('takes the role from the database: a token still saying admin loses the page once the account is demoted', async () => {
    const session = createAdminSession({ tokens, secure: false });
    const token = await tokens.sign({ userId: 7, role: 'admin' });
    const req = { cookies: { 'perflab.admin': token } } as unknown as Request;
    expect(await session.adminOf(req, usersDb('admin'))).toMatchObject({
      userId: 7,
      email: 'a@perflab.local',
    });
    expect(await session.adminOf(req, usersDb('customer'))).toBeUndefined();
    const forged = { cookies: { 'perflab.admin': token.slice(0, -2) + 'xx' } } as unknown as Request;
    expect(await session.adminOf(forged, usersDb('admin'))).toBeUndefined();
  });

  it('binds CSRF tokens to the session once signed in, to the visitor id before', async () => {
    const session = createAdminSession({ tokens, secure: false });
    const visitor = { cookies: {} } as unknown as Request;
    session.ensureVisitor(visitor, fakeRes().res);
    const before = session.idOf(visitor);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    const signedIn = {
      cookies: { ...visitor.cookies, 'perflab.admin': await tokens.sign({ userId: 7, role: 'admin' }) },
    } as unknown as Request;
    expect(session.idOf(signedIn)).not.toBe(before);
  });
});
