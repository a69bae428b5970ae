import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricNames as N } from '../../../probes/index.js';
import { makeEvent } from '../../../target-app/services/events/event.js';
import { sagaViolations, stockOf, waitAllTerminal } from './helpers/saga-invariants.js';
import { startTestSystem, type TestSystem } from './helpers/system.js';

// The checkout saga end to end in one process, through the gateway: on
// PostgreSQL + JetStream in api-postgres (when NATS_URL is set), on PGlite +
// the in-process bus in api-embedded. Invariants are read from the databases.

let t: TestSystem;
let token: string;
let decline = false;
const OUT_OF_STOCK = 8;

beforeAll(async () => {
  t = await startTestSystem({
    env: { PAYMENT_FAILURE_RATE: '0.5' },
    random: () => (decline ? 0 : 0.99),
    stock: 50,
  });
  await t.db.query(`UPDATE ${t.config.schemas.catalog}.products SET stock = 0 WHERE id = $1`, [OUT_OF_STOCK]);
  token = await t.login(1);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

async function order(productId: number, quantity = 1) {
  const res = await t.request('/api/orders', {
    method: 'POST',
    token,
    body: { items: [{ productId, quantity }] },
  });
  expect(res.status).toBe(201);
  return res.body as { id: number; status: string; user: unknown; totalCents: number };
}

async function settled(id: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await t.request(`/api/orders/${id}`, { token });
    if (res.body.status !== 'pending') return res.body;
    if (Date.now() > deadline) throw new Error(`order ${id} still pending`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('checkout saga', () => {
  it('creates a pending order with its user, and confirms it once paid and reserved', async () => {
    const stock = await stockOf(t.db, t.config.schemas);
    const created = await order(1, 3);
    expect(created).toMatchObject({ status: 'pending', user: { id: 1, email: 'user1@perflab.local' } });
    expect(await settled(created.id)).toMatchObject({ status: 'confirmed', totalCents: created.totalCents });
    expect((await stockOf(t.db, t.config.schemas)).get(1)).toBe((stock.get(1) ?? 0) - 3);
  });

  it('fails an order whose payment is declined, taking no stock', async () => {
    const stock = await stockOf(t.db, t.config.schemas);
    decline = true;
    const created = await order(2);
    const done = await settled(created.id);
    decline = false;
    expect(done).toMatchObject({ status: 'failed', failureReason: 'card declined' });
    expect((await stockOf(t.db, t.config.schemas)).get(2)).toBe(stock.get(2));
  });

  it('refunds the charge when stock cannot be reserved (compensation), then fails the order', async () => {
    const created = await order(OUT_OF_STOCK);
    expect(await settled(created.id)).toMatchObject({ status: 'failed' });
    const { rows } = await t.db.query<{ status: string }>(
      `SELECT status FROM ${t.config.schemas.payments}.payments WHERE order_id = $1`,
      [created.id],
    );
    expect(rows).toEqual([{ status: 'refunded' }]);
  });

  it('never charges twice: a redelivered event, or a second order.created for one order', async () => {
    const created = await order(3);
    await settled(created.id);
    const again = makeEvent('order.created', created.id, {
      userId: 1,
      totalCents: created.totalCents,
      items: [{ productId: 3, quantity: 1 }],
    });
    await t.bus.publish(again);
    await t.bus.publish(again);
    // A marker event behind the duplicates: once payments has handled it, it has seen them too.
    const marker = await order(4);
    await settled(marker.id);
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${t.config.schemas.payments}.payments WHERE order_id = $1`,
      [created.id],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('keeps every invariant across all orders, and counts outcomes', async () => {
    const initial = await stockOf(t.db, t.config.schemas);
    const placed = await Promise.all([1, 2, 3, 4, 5, 6, 7, OUT_OF_STOCK].map((p) => order(p)));
    await waitAllTerminal(t.db, t.config.schemas, 20_000);
    // Stock before this batch plus what the earlier tests reserved is the seed; compare reservations made here.
    const { rows } = await t.db.query<{ product_id: number; q: number }>(
      `SELECT product_id, sum(quantity)::int AS q FROM ${t.config.schemas.catalog}.reservations GROUP BY product_id`,
    );
    const seeded = new Map([...initial].map(([id]) => [id, id === OUT_OF_STOCK ? 0 : 50]));
    expect(await sagaViolations(t.db, t.config.schemas, seeded)).toEqual([]);
    expect(rows.find((r) => r.product_id === OUT_OF_STOCK)).toBeUndefined();
    expect(placed).toHaveLength(8);
    const metric = await t.system.instr.get('orders')?.registry.getSingleMetric(N.SAGA_OUTCOMES)?.get();
    const confirmed = metric?.values.find((v) => v.labels[N.LABEL_SAGA_RESULT] === 'confirmed')?.value ?? 0;
    expect(confirmed).toBeGreaterThanOrEqual(9);
  });
});

describe('services through the gateway', () => {
  it('serves products, the caller and an order list, with a request id', async () => {
    const products = await t.request('/api/products?limit=3');
    expect(products.status).toBe(200);
    expect(products.body.items).toHaveLength(3);
    expect(products.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._-]{8,64}$/);
    expect(products.headers.get('strict-transport-security')).toContain('max-age=');
    const next = await t.request(`/api/products?limit=3&cursor=${products.body.nextCursor}`);
    expect(next.body.items[0].id).toBe(4);
    expect((await t.request('/api/users/me', { token })).body).toMatchObject({
      id: 1,
      email: 'user1@perflab.local',
    });
    const list = await t.request('/api/orders?limit=2', { token });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.items[0].id).toBeGreaterThan(list.body.items[1].id);
  });

  it('answers bad input with the JSON error shape and a 4xx', async () => {
    expect((await t.request('/api/orders', { method: 'POST', body: { items: [] } })).status).toBe(401);
    const empty = await t.request('/api/orders', { method: 'POST', token, body: { items: [] } });
    expect(empty).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', field: 'items' } },
    });
    const unknown = await t.request('/api/orders', {
      method: 'POST',
      token,
      body: { items: [{ productId: 999, quantity: 1 }] },
    });
    expect(unknown).toMatchObject({ status: 422, body: { error: { code: 'UNKNOWN_PRODUCT' } } });
    const broken = await fetch(`${t.system.urls.gateway}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"items":',
    });
    expect(broken.status).toBe(400);
    expect((await t.request('/api/products?cursor=%%%')).status).toBe(400);
    expect((await t.request('/internal/users/1')).status).toBe(404);
  });
});
