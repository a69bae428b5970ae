import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  embeddedEnv,
  freePort,
  killAllTargets,
  seedSmall,
  spawnTarget,
  waitReady,
} from './helpers/target-process.js';

// Both shapes started the way a user starts them (`npm run target -- --mode
// ...`), on the embedded defaults a fresh clone has: a real request through
// the served API, then SIGTERM and a clean exit.

const READY_MS = 90_000;
const TERMINAL_MS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'perflab-target-'));

afterAll(async () => {
  await killAllTargets();
  rmSync(dir, { recursive: true, force: true });
});

async function call(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}

/** A new account, logged in: the token. */
async function newCustomer(base: string, tag: string): Promise<string> {
  const email = `${tag}-${Date.now()}@example.test`;
  const password = 'a-long-enough-password';
  const made = await call(base, '/api/auth/register', {
    method: 'POST',
    body: { email, password, name: tag },
  });
  // The monolith answers 202 whether or not the email was free (no account enumeration); the users service 201.
  expect([201, 202], JSON.stringify(made.body)).toContain(made.status);
  const login = await call(base, '/api/auth/login', { method: 'POST', body: { email, password } });
  expect(login.status).toBe(200);
  return login.body.token as string;
}

describe('npm run target, each mode started for real', () => {
  it('--mode monolith serves the shop API and exits 0 on SIGTERM', async () => {
    const env = embeddedEnv(join(dir, 'monolith'), { PORT: String(await freePort()) });
    // A small seed first: an empty database would be seeded with the full default data set.
    seedSmall(env);
    const base = `http://127.0.0.1:${env.PORT}`;
    const t = spawnTarget(['--mode', 'monolith'], env);
    await waitReady(t, base, READY_MS);

    const products = await call(base, '/api/products?limit=2');
    expect(products.status).toBe(200);
    expect(products.body.items).toHaveLength(2);
    const token = await newCustomer(base, 'monolith');
    const productId = products.body.items[0].id as number;
    const placed = await call(base, '/api/orders', {
      method: 'POST',
      token,
      body: { items: [{ productId, quantity: 1 }] },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const read = await call(base, `/api/orders/${placed.body.id}`, { token });
    expect(read.status).toBe(200);
    expect(read.body.items.map((i: { productId: number }) => i.productId)).toEqual([productId]);

    t.proc.kill('SIGTERM');
    expect(await t.exited).toBe(0);
  }, 180_000);

  it('--mode services runs every service in one process: an order placed at the gateway reaches a terminal state', async () => {
    const env = embeddedEnv(join(dir, 'services'), {
      GATEWAY_PORT: String(await freePort()),
      USERS_PORT: '0',
      CATALOG_PORT: '0',
      ORDERS_PORT: '0',
      PAYMENTS_PORT: '0',
      INVENTORY_PORT: '0',
    });
    const base = `http://127.0.0.1:${env.GATEWAY_PORT}`;
    const t = spawnTarget(['--mode', 'services'], env);
    await waitReady(t, base, READY_MS);
    const urls = await t.announced;
    expect(Object.keys(urls).sort()).toEqual(['catalog', 'gateway', 'orders', 'users']);
    // The gateway's readiness asks its upstreams: all in this process.
    const ready = await call(base, '/readyz');
    expect(ready.body).toMatchObject({ status: 'ready', service: 'gateway' });

    const products = await call(base, '/api/products?limit=1');
    expect(products.status).toBe(200);
    const productId = products.body.items[0].id as number;
    const token = await newCustomer(base, 'services');
    const placed = await call(base, '/api/orders', {
      method: 'POST',
      token,
      body: { items: [{ productId, quantity: 1 }] },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.status).toBe('pending');
    // The saga runs over the in-process bus; polled from outside, as a client would.
    const deadline = Date.now() + TERMINAL_MS;
    let status = placed.body.status as string;
    while (status === 'pending' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await call(base, `/api/orders/${placed.body.id}`, { token })).body.status as string;
    }
    // No declines by default and a seeded stock of at least 100: confirmed.
    expect(status).toBe('confirmed');

    t.proc.kill('SIGTERM');
    expect(await t.exited).toBe(0);
  }, 180_000);
});
