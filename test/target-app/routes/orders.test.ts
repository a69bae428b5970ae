import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

let app: TestApp;
let alice: string;
let bob: string;
beforeAll(async () => {
  app = await startTestApp();
  [alice, bob] = await Promise.all([app.login(1), app.login(2)]);
});
afterAll(() => app?.close());

async function price(id: number): Promise<number> {
  const { rows } = await app.db.query<{ price_cents: number }>(
    'SELECT price_cents FROM products WHERE id = $1',
    [id],
  );
  return rows[0]?.price_cents ?? NaN;
}

describe('POST /api/orders', () => {
  it('computes prices and the total on the server and snapshots the user', async () => {
    const [p4, p9] = [await price(4), await price(9)];
    const res = await app.request('/api/orders', {
      method: 'POST',
      token: alice,
      body: {
        items: [
          { productId: 4, quantity: 2 },
          { productId: 9, quantity: 1 },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/orders/${res.body.id}`);
    expect(res.body.totalCents).toBe(2 * p4 + p9);
    expect(res.body.items).toEqual([
      expect.objectContaining({ productId: 4, unitPriceCents: p4, quantity: 2, lineTotalCents: 2 * p4 }),
      expect.objectContaining({ productId: 9, unitPriceCents: p9, quantity: 1 }),
    ]);
    expect(res.body.user).toMatchObject({ id: 1, email: 'user1@perflab.local' });
  });

  it('ignores nothing the client says about prices: extra fields are rejected', async () => {
    const res = await app.request('/api/orders', {
      method: 'POST',
      token: alice,
      body: { items: [{ productId: 4, quantity: 1, priceCents: 1 }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('items.0.priceCents');
  });

  it('keeps the price snapshot when the product price changes later', async () => {
    const created = await app.request('/api/orders', {
      method: 'POST',
      token: alice,
      body: { items: [{ productId: 6, quantity: 1 }] },
    });
    const before = created.body.items[0].unitPriceCents;
    await app.db.query('UPDATE products SET price_cents = price_cents * 3 + 7, name = $2 WHERE id = $1', [
      6,
      'Renamed',
    ]);
    const again = await app.request(`/api/orders/${created.body.id}`, { token: alice });
    expect(again.body.items[0].unitPriceCents).toBe(before);
    expect(again.body.items[0].name).not.toBe('Renamed');
    expect(again.body.totalCents).toBe(created.body.totalCents);
  });

  it('decrements stock in the same transaction', async () => {
    const stock = async () =>
      (await app.db.query<{ stock: number }>('SELECT stock FROM products WHERE id = 7')).rows[0]?.stock;
    const before = await stock();
    await app.request('/api/orders', {
      method: 'POST',
      token: bob,
      body: { items: [{ productId: 7, quantity: 3 }] },
    });
    expect(await stock()).toBe((before ?? 0) - 3);
  });

  it('rejects an unknown product with 422 and writes nothing', async () => {
    const count = async () =>
      (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')).rows[0]?.n;
    const before = await count();
    const res = await app.request('/api/orders', {
      method: 'POST',
      token: alice,
      body: {
        items: [
          { productId: 4, quantity: 1 },
          { productId: 999_999, quantity: 1 },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'UNKNOWN_PRODUCT', field: 'items.1.productId' });
    expect(await count()).toBe(before);
  });

  it('rejects more than the stock with 409 and leaves the stock alone', async () => {
    await app.db.query('UPDATE products SET stock = 5 WHERE id = 8');
    const res = await app.request('/api/orders', {
      method: 'POST',
      token: alice,
      body: { items: [{ productId: 8, quantity: 6 }] },
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'OUT_OF_STOCK', field: 'items.0.quantity' });
    const { rows } = await app.db.query<{ stock: number }>('SELECT stock FROM products WHERE id = 8');
    expect(rows[0]?.stock).toBe(5);
  });

  it.each([
    [{ items: [{ productId: 4, quantity: 0 }] }, 'items.0.quantity'],
    [{ items: [{ productId: 4, quantity: -2 }] }, 'items.0.quantity'],
    [{ items: [{ productId: 4, quantity: 1.5 }] }, 'items.0.quantity'],
    [{ items: [{ productId: 'x', quantity: 1 }] }, 'items.0.productId'],
    [{ items: [] }, 'items'],
    [
      {
        items: [
          { productId: 4, quantity: 1 },
          { productId: 4, quantity: 1 },
        ],
      },
      'items',
    ],
    [{}, 'items'],
    [[1, 2], 'body'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const res = await app.request('/api/orders', { method: 'POST', token: alice, body });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it('requires a token', async () => {
    const res = await app.request('/api/orders', {
      method: 'POST',
      body: { items: [{ productId: 4, quantity: 1 }] },
    });
    expect(res.status).toBe(401);
  });
});

describe('GET /api/orders', () => {
  it('lists only my orders, newest first, with items, across pages', async () => {
    const { rows } = await app.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orders WHERE user_id = 2',
    );
    const seen: { id: number; createdAt: string; user: { id: number }; items: unknown[] }[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.request(`/api/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: bob,
      });
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(rows[0]?.n ?? -1);
    expect(new Set(seen.map((o) => o.id)).size).toBe(seen.length);
    for (const o of seen) {
      expect(o.user.id).toBe(2);
      expect(o.items.length).toBeGreaterThan(0);
    }
    const times = seen.map((o) => Date.parse(o.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('rejects a limit over the cap and a forged cursor', async () => {
    expect((await app.request('/api/orders?limit=100000', { token: bob })).status).toBe(400);
    const forged = Buffer.from(JSON.stringify(['not a date', 1])).toString('base64url');
    const res = await app.request(`/api/orders?cursor=${forged}`, { token: bob });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('cursor');
  });
});

describe('GET /api/orders/:id', () => {
  it("returns my order and hides another user's as 404", async () => {
    const mine = await app.request('/api/orders', {
      method: 'POST',
      token: alice,
      body: { items: [{ productId: 2, quantity: 1 }] },
    });
    expect((await app.request(`/api/orders/${mine.body.id}`, { token: alice })).status).toBe(200);
    const other = await app.request(`/api/orders/${mine.body.id}`, { token: bob });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    expect((await app.request('/api/orders/987654', { token: bob })).status).toBe(404);
  });
});
