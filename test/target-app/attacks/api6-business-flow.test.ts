import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SEED, startTestApp, type TestApp } from '../../helpers/app.js';

// OWASP API6:2023 Unrestricted Access to Sensitive Business Flows: a crowd
// racing for the last units of a product must not oversell it.
const PARALLEL = 20;
let app: TestApp;
let tokens: string[];
beforeAll(async () => {
  app = await startTestApp();
  const customers = Array.from({ length: TEST_SEED.users }, (_, i) => i + 1);
  tokens = await Promise.all(customers.map((n) => app.login(n)));
});
afterAll(() => app?.close());

async function race(productId: number, stock: number, quantity: number) {
  await app.db.query('UPDATE products SET stock = $2 WHERE id = $1', [productId, stock]);
  const results = await Promise.all(
    Array.from({ length: PARALLEL }, (_, i) =>
      app.request('/api/orders', {
        method: 'POST',
        token: tokens[i % tokens.length],
        body: { items: [{ productId, quantity }] },
      }),
    ),
  );
  const { rows } = await app.db.query<{ stock: number; sold: number }>(
    `SELECT p.stock, (SELECT COALESCE(sum(quantity), 0)::int FROM order_items i
                        JOIN orders o ON o.id = i.order_id
                       WHERE i.product_id = p.id AND o.id = ANY($2::int[])) AS sold
       FROM products p WHERE p.id = $1`,
    [productId, results.filter((r) => r.status === 201).map((r) => r.body.id)],
  );
  return {
    statuses: results.map((r) => r.status),
    codes: results.map((r) => r.body?.error?.code),
    ...rows[0],
  };
}

describe('API6 business flow: 20 parallel orders for the last units', () => {
  it.each([1, 5, 19])('sells exactly %i last unit(s), refuses the rest with 409', async (units) => {
    const r = await race(11 + units, units, 1);
    expect(r.statuses.filter((s) => s === 201)).toHaveLength(units);
    expect(r.statuses.filter((s) => s === 409)).toHaveLength(PARALLEL - units);
    expect(r.codes.filter((c) => c !== undefined).every((c) => c === 'OUT_OF_STOCK')).toBe(true);
    expect(r.stock).toBe(0);
    expect(r.sold).toBe(units);
  });

  it('never sells more than there is when orders take several units each', async () => {
    const r = await race(20, 7, 2);
    expect(r.statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(r.statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(r.stock).toBe(1);
    expect(r.sold).toBe(6);
  });

  it('leaves stock untouched when one line of a multi-item order is out of stock', async () => {
    await app.db.query('UPDATE products SET stock = 10 WHERE id = 21');
    await app.db.query('UPDATE products SET stock = 0 WHERE id = 22');
    const res = await app.request('/api/orders', {
      method: 'POST',
      token: tokens[0],
      body: {
        items: [
          { productId: 21, quantity: 3 },
          { productId: 22, quantity: 1 },
        ],
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.field).toBe('items.1.quantity');
    const { rows } = await app.db.query<{ stock: number }>('SELECT stock FROM products WHERE id = 21');
    expect(rows[0]?.stock).toBe(10);
  });
});
