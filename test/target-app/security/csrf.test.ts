import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../../target-app/http/errors.js';
import {
  CSRF_COOKIE_PLAIN,
  CSRF_COOKIE_SECURE,
  CSRF_HEADER,
  CSRF_REJECTED,
  createCookieSurface,
} from '../../../target-app/security/csrf.js';

// A stand-in for the admin pages: a session cookie `sid`, a page that hands
// out a token, and a state-changing form post.
const SECRET = 'test-csrf-secret-that-is-long-enough-0123456789';
let server: Server;
let base: string;

beforeAll(async () => {
  const surface = createCookieSurface({
    secret: SECRET,
    sessionIdOf: (req) => (req.cookies as Record<string, string> | undefined)?.sid ?? '',
    secureCookies: false,
  });
  const admin = express.Router();
  admin.use(express.urlencoded({ extended: false }), express.json(), ...surface.protect);
  admin.get('/form', (req, res) => {
    res.json({ token: surface.issueToken(req, res) });
  });
  admin.post('/flags', (_req, res) => {
    res.json({ changed: true });
  });
  const app = express()
    .use('/admin', admin)
    .use(errorHandler(pino({ level: 'silent' })));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A browser session: its `sid`, plus the token and cookie the form page gave it. */
async function session(sid: string) {
  const res = await fetch(`${base}/admin/form`, { headers: { cookie: `sid=${sid}` } });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const csrfCookie = setCookie.split(';')[0] ?? '';
  const { token } = (await res.json()) as { token: string };
  return { sid, token, setCookie, cookie: `sid=${sid}; ${csrfCookie}` };
}

async function post(headers: Record<string, string>, body?: string) {
  const res = await fetch(`${base}/admin/flags`, { method: 'POST', headers, ...(body ? { body } : {}) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

describe('the cookie surface CSRF defence', () => {
  it('sets an HttpOnly, SameSite=Strict token cookie', async () => {
    const s = await session('alice');
    expect(s.setCookie).toContain(`${CSRF_COOKIE_PLAIN}=`);
    expect(s.setCookie).toMatch(/HttpOnly/i);
    expect(s.setCookie).toMatch(/SameSite=Strict/i);
  });

  it('accepts a same-origin post with the matching token in the header or the form', async () => {
    const s = await session('alice');
    const viaHeader = await post({
      cookie: s.cookie,
      [CSRF_HEADER]: s.token,
      'sec-fetch-site': 'same-origin',
    });
    expect(viaHeader.status).toBe(200);
    const viaForm = await post(
      { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      `_csrf=${encodeURIComponent(s.token)}`,
    );
    expect(viaForm.status).toBe(200);
  });

  it('refuses a post with no token, the cookie only', async () => {
    const s = await session('alice');
    const res = await post({ cookie: s.cookie });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe(CSRF_REJECTED);
  });

  it('refuses a forged or tampered token', async () => {
    const s = await session('alice');
    const tampered = s.token.slice(0, -2) + (s.token.endsWith('AA') ? 'BB' : 'AA');
    expect((await post({ cookie: s.cookie, [CSRF_HEADER]: tampered })).status).toBe(403);
    expect((await post({ cookie: s.cookie, [CSRF_HEADER]: 'forged' })).status).toBe(403);
  });

  it("refuses another session's token and cookie (bound to the session)", async () => {
    const mallory = await session('mallory');
    const cookie = `sid=alice; ${mallory.cookie.split('; ')[1] ?? ''}`;
    expect((await post({ cookie, [CSRF_HEADER]: mallory.token })).status).toBe(403);
  });

  it('refuses a cross-site request even when it carries a valid token', async () => {
    const s = await session('alice');
    for (const site of ['cross-site', 'same-site', 'none']) {
      const res = await post({ cookie: s.cookie, [CSRF_HEADER]: s.token, 'sec-fetch-site': site });
      expect(res.status, site).toBe(403);
      expect(res.body.error?.code).toBe(CSRF_REJECTED);
    }
  });

  it('never blocks safe methods', async () => {
    const res = await fetch(`${base}/admin/form`, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(200);
  });

  it('uses a __Host- cookie when secure, and refuses short secrets', async () => {
    const surface = createCookieSurface({ secret: SECRET, sessionIdOf: () => 's' });
    const app = express().get('/t', ...surface.protect, (req, res) => {
      res.json({ token: surface.issueToken(req, res) });
    });
    const srv = app.listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/t`);
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie.startsWith(`${CSRF_COOKIE_SECURE}=`)).toBe(true);
      expect(cookie).toMatch(/Secure/);
      expect(cookie).toMatch(/Path=\//);
    } finally {
      srv.close();
    }
    expect(() => createCookieSurface({ secret: 'short', sessionIdOf: () => 's' })).toThrow(/32/);
  });
});
