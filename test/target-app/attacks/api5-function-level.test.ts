import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

// OWASP API5:2023 Broken Function Level Authorization: product writes are admin-only.
let app: TestApp;
let customer: string;
let admin: string;
beforeAll(async () => {
  app = await startTestApp();
  [customer, admin] = await Promise.all([app.login(1), app.login('admin')]);
});
afterAll(() => app?.close());

const WRITES: [string, string, unknown][] = [
  ['POST', '/api/products', { name: 'Pwned', priceCents: 0, stock: 1 }],
  ['PATCH', '/api/products/5', { priceCents: 0 }],
  ['DELETE', '/api/products/5', undefined],
];

const snapshot = async () =>
  (await app.db.query('SELECT id, name, price_cents, stock, archived_at FROM products ORDER BY id')).rows;

describe('API5 function-level authorization on product writes', () => {
  it.each(WRITES)('%s %s as a customer gets 403 and changes nothing', async (method, path, body) => {
    const before = await snapshot();
    const res = await app.request(path, { method, token: customer, body });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(await snapshot()).toEqual(before);
  });

  it.each(WRITES)('%s %s without a token gets 401', async (method, path, body) => {
    const res = await app.request(path, { method, body });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('checks the role before validating, so a customer learns nothing about the input rules', async () => {
    const res = await app.request('/api/products', {
      method: 'POST',
      token: customer,
      body: { bogus: true },
    });
    expect(res.status).toBe(403);
  });

  it('takes the role from the verified token, not from anything the client sends', async () => {
    const res = await app.request('/api/products', {
      method: 'POST',
      token: customer,
      body: { name: 'Pwned', priceCents: 0 },
      headers: { 'x-role': 'admin', 'x-user-role': 'admin' },
    });
    expect(res.status).toBe(403);
  });

  it('lets the admin create, change and archive a product', async () => {
    const created = await app.request('/api/products', {
      method: 'POST',
      token: admin,
      body: { name: 'Admin Lamp', priceCents: 2500, stock: 3 },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/products/${created.body.id}`);
    expect(created.body).toMatchObject({ name: 'Admin Lamp', description: '', priceCents: 2500, stock: 3 });
    const patched = await app.request(`/api/products/${created.body.id}`, {
      method: 'PATCH',
      token: admin,
      body: { priceCents: 2000 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Admin Lamp', priceCents: 2000, stock: 3 });
    const removed = await app.request(`/api/products/${created.body.id}`, { method: 'DELETE', token: admin });
    expect(removed.status).toBe(204);
    expect((await app.request(`/api/products/${created.body.id}`)).status).toBe(404);
    const again = await app.request(`/api/products/${created.body.id}`, { method: 'DELETE', token: admin });
    expect(again.status).toBe(404);
  });

  it('validates admin writes strictly', async () => {
    for (const [method, path, body, field] of [
      ['POST', '/api/products', { name: '', priceCents: 1 }, 'name'],
      ['POST', '/api/products', { name: 'X', priceCents: -1 }, 'priceCents'],
      ['POST', '/api/products', { name: 'X', priceCents: 1.5 }, 'priceCents'],
      ['POST', '/api/products', { name: 'X', priceCents: '100' }, 'priceCents'],
      ['PATCH', '/api/products/5', {}, 'body'],
      ['PATCH', '/api/products/5', { stock: -3 }, 'stock'],
    ] as const) {
      const res = await app.request(path, { method, token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
  });
});

describe('archiving keeps order history', () => {
  it('hides an archived product from listings and new orders, but old orders keep it', async () => {
    const order = await app.request('/api/orders', {
      method: 'POST',
      token: customer,
      body: { items: [{ productId: 8, quantity: 1 }] },
    });
    expect(order.status).toBe(201);
    expect((await app.request('/api/products/8', { method: 'DELETE', token: admin })).status).toBe(204);

    const list = await app.request('/api/products?limit=100');
    expect(list.body.items.map((p: { id: number }) => p.id)).not.toContain(8);
    const again = await app.request('/api/orders', {
      method: 'POST',
      token: customer,
      body: { items: [{ productId: 8, quantity: 1 }] },
    });
    expect(again.status).toBe(422);
    expect(
      (await app.request('/api/products/8', { method: 'PATCH', token: admin, body: { stock: 9 } })).status,
    ).toBe(404);

    const old = await app.request(`/api/orders/${order.body.id}`, { token: customer });
    expect(old.status).toBe(200);
    expect(old.body.items[0]).toMatchObject({ productId: 8, name: order.body.items[0].name });
  });
});
