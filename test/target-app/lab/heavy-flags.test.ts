import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabApp, type LabApp } from '../../helpers/lab-app.js';

const ORDERS = 12_000;
let app: LabApp;
let token: string;

beforeAll(async () => {
  // Enough orders that handling all of them in the app takes visible time.
  app = await startLabApp({ seed: { users: 20, products: 50, orders: ORDERS } });
  token = await app.login(1);
}, 180_000);
afterAll(() => app?.close());

/** The longest event-loop stall (ms) while `n` copies of a request run concurrently. */
async function maxLagDuring(n: number, send: () => Promise<{ status: number }>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const res = await Promise.all(Array.from({ length: n }, send));
  h.disable();
  for (const r of res) expect(r.status).toBe(200);
  return h.max / 1e6;
}

describe('event_loop_block', () => {
  it('the sales report is the same either way, and stalls the event loop only with the flag on', async () => {
    const send = () => app.request('/api/reports/sales', { token: app.admin });
    const off = await send();
    const lagOff = await maxLagDuring(4, send);
    await app.setFlags({ event_loop_block: true });
    const on = await send();
    const lagOn = await maxLagDuring(4, send);
    await app.setFlags({ event_loop_block: false });
    expect(on.body).toEqual(off.body);
    const days = off.body.days as { orders: number }[];
    expect(days.reduce((s, d) => s + d.orders, 0)).toBe(ORDERS);
    expect(lagOn).toBeGreaterThan(lagOff);
  });
});

describe('blocking_hash', () => {
  it('logins stall the event loop more with synchronous hashing than on the thread pool', async () => {
    const login = () =>
      app.request('/api/auth/login', {
        method: 'POST',
        body: { email: 'user2@perflab.local', password: app.config.seedPassword },
      });
    const lagOff = await maxLagDuring(4, login);
    await app.setFlags({ blocking_hash: true });
    const lagOn = await maxLagDuring(4, login);
    const wrong = await app.request('/api/auth/login', {
      method: 'POST',
      body: { email: 'user2@perflab.local', password: 'not-the-password' },
    });
    await app.setFlags({ blocking_hash: false });
    expect(wrong.status).toBe(401);
    expect(lagOn).toBeGreaterThan(lagOff);
  });
});

describe('buffered_export', () => {
  it('streams keyset batches with the flag off, one buffered query with it on, the same CSV', async () => {
    const from = app.sql.length;
    const off = await app.request('/api/orders/export', { token: app.admin });
    const offSql = app.sql.slice(from).map((s) => s.text);
    await app.setFlags({ buffered_export: true });
    const mid = app.sql.length;
    const on = await app.request('/api/orders/export', { token: app.admin });
    const onSql = app.sql.slice(mid).map((s) => s.text);
    await app.setFlags({ buffered_export: false });
    expect(off.status).toBe(200);
    expect(off.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(on.body).toBe(off.body);
    const lines = (off.body as string).trimEnd().split('\n');
    expect(lines[0]).toBe('id,created_at,status,total_cents,user_id,user_email');
    expect(lines).toHaveLength(ORDERS + 1);
    expect(offSql.filter((t) => /FROM orders/.test(t))).toHaveLength(Math.floor(ORDERS / 1000) + 1);
    expect(onSql.filter((t) => /FROM orders/.test(t))).toHaveLength(1);
  });

  it('a customer exports only their own orders', async () => {
    const mine = await app.db.query<{ id: number }>('SELECT id FROM orders WHERE user_id = 1');
    const csv = await app.request('/api/orders/export', { token });
    const ids = (csv.body as string)
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[0]));
    expect(ids.sort((a, b) => a - b)).toEqual(mine.rows.map((o) => o.id).sort((a, b) => a - b));
  });
});

describe('memory_leak', () => {
  it('retains an entry per request with the flag on and lets all go when switched off', async () => {
    expect(app.lab.leak.size()).toBe(0);
    await app.request('/api/products?limit=1');
    expect(app.lab.leak.size()).toBe(0);
    await app.setFlags({ memory_leak: true });
    const start = app.lab.leak.size();
    for (let i = 0; i < 20; i++) await app.request('/api/products?limit=1');
    expect(app.lab.leak.size()).toBe(start + 20);
    await app.setFlags({ memory_leak: false });
    expect(app.lab.leak.size()).toBe(0);
  });
});
