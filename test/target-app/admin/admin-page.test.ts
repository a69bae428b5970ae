import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, customerEmail } from '../../../target-app/seed.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { launchChromium } from '../../helpers/chromium.js';

const ARTIFACTS = 'test-artifacts';

let app: TestApp;
let browser: Browser;
let evil: Server;
let evilUrl: string;
const registry = new Registry();

beforeAll(async () => {
  app = await startTestApp({
    instrumentation: () => ({
      registry,
      metricsHandler: async (_req, res) => {
        res.type('text/plain').send(await registry.metrics());
      },
    }),
  });
  browser = await launchChromium();
  // Another site: localhost is not 127.0.0.1, so the browser treats its requests as cross-site.
  const target = new URL(app.url);
  evil = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><form method="post" action="http://127.0.0.1:${target.port}/admin/flags">
<input type="hidden" name="flag" value="missing_index"><input type="hidden" name="enabled" value="true">
<button id="attack" type="submit">win a prize</button></form>`);
  });
  evil.listen(0, '127.0.0.1');
  await new Promise((resolve) => evil.once('listening', resolve));
  evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await browser?.close();
  evil?.close();
  await app?.close();
});

const gauge = async (flag: string): Promise<string | undefined> => {
  const text = (await app.request('/metrics')).body as string;
  return new RegExp(`^perflab_flag_enabled\\{flag="${flag}"\\} (\\d)$`, 'm').exec(text)?.[1];
};

async function signIn(page: Page, email: string, password: string): Promise<number> {
  await page.goto(`${app.url}/admin`);
  expect(new URL(page.url()).pathname).toBe('/admin/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/admin/login') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  await page.waitForLoadState();
  return response.status();
}

describe(`/admin in Chromium`, () => {
  it('an admin signs in, switches a flag, and perflab_flag_enabled follows on /metrics', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    expect(await signIn(page, ADMIN_EMAIL, app.config.adminPassword)).toBe(303);
    expect(new URL(page.url()).pathname).toBe('/admin');
    const row = page.locator('tr[data-flag="n_plus_one"]');
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe('off');
    expect(await gauge('n_plus_one')).toBe('0');

    await Promise.all([
      page.waitForURL(`${app.url}/admin`),
      row.getByRole('button', { name: 'Switch on' }).click(),
    ]);
    expect(await row.locator('td').nth(2).textContent()).toBe('on');
    expect(await gauge('n_plus_one')).toBe('1');
    expect((await app.request('/api/info')).body.flags.n_plus_one).toBe(true);

    // The session cookie: HttpOnly, SameSite=Strict (no __Host- prefix over plain HTTP in tests).
    const cookie = (await context.cookies()).find((c) => c.name === 'perflab.admin');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/admin-page-${app.source}.png`, fullPage: true });

    await Promise.all([
      page.waitForURL(`${app.url}/admin`),
      row.getByRole('button', { name: 'Switch off' }).click(),
    ]);
    expect(await gauge('n_plus_one')).toBe('0');

    await Promise.all([
      page.waitForURL(/\/admin\/login$/),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    await page.goto(`${app.url}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    // Signing out revoked the token itself: a copy of the cookie no longer works anywhere.
    const copied = cookie?.value ?? '';
    expect((await app.request('/api/users/me', { token: copied })).status).toBe(401);
    await context.close();
  });

  it('rejects a cross-site POST without the token with 403 and changes nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ADMIN_EMAIL, app.config.adminPassword);
    await page.goto(evilUrl);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/admin/flags')),
      page.locator('#attack').click(),
    ]);
    expect(response.status()).toBe(403);
    expect(await gauge('missing_index')).toBe('0');

    // Outside a browser (no Sec-Fetch-Site), the session cookie alone is not enough either: the token is missing.
    const session = (await context.cookies()).filter((c) => c.name.startsWith('perflab.'));
    const res = await fetch(`${app.url}/admin/flags`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: session.map((c) => `${c.name}=${c.value}`).join('; '),
      },
      body: 'flag=missing_index&enabled=true',
    });
    expect(res.status).toBe(403);
    expect(await gauge('missing_index')).toBe('0');
    await context.close();
  });

  it('a customer cannot reach the page, by the form or with a token of their own in the cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    expect(await signIn(page, customerEmail(1), app.config.seedPassword)).toBe(403);
    expect(await page.getByRole('alert').textContent()).toContain('admin role');
    await page.goto(`${app.url}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');

    const token = await app.login(1);
    await context.addCookies([
      { name: 'perflab.admin', value: token, url: app.url, httpOnly: true, sameSite: 'Strict' },
    ]);
    const response = await page.goto(`${app.url}/admin`);
    expect(response?.status()).toBe(403);
    expect(await page.locator('table').count()).toBe(0);
    await context.close();
  });

  it('escapes what it renders back: a hostile email is shown as text, not markup', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const hostile = '"><b id="injected">x</b>';
    await page.goto(`${app.url}/admin/login`);
    // Past the browser's own email check, so the server sees and renders the value back.
    await page.getByLabel('Email').evaluate((el) => el.setAttribute('type', 'text'));
    await page.getByLabel('Email').fill(hostile);
    await page.getByLabel('Password').fill('wrong');
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Sign in' }).click()]);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong');
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.getByLabel('Email').inputValue()).toBe(hostile);
    await context.close();
  });
});
