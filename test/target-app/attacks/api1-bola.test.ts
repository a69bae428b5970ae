import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

// OWASP API1:2023 Broken Object Level Authorization: an id in the URL is not a permission.
let app: TestApp;
let alice: string;
let bob: string;
let aliceOrder: number;

beforeAll(async () => {
  app = await startTestApp();
  [alice, bob] = await Promise.all([app.login(1), app.login(2)]);
  const res = await app.request('/api/orders', {
    method: 'POST',
    token: alice,
    body: { items: [{ productId: 3, quantity: 1 }] },
  });
  aliceOrder = res.body.id;
});
afterAll(() => app?.close());

describe('API1 BOLA: one user reaching for another user’s order', () => {
  it('gets the same 404 as for an order that does not exist', async () => {
    const theirs = await app.request(`/api/orders/${aliceOrder}`, { token: bob });
    const missing = await app.request('/api/orders/2147483647', { token: bob });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(missing.body);
    expect(JSON.stringify(theirs.body)).not.toContain('user1@perflab.local');
  });

  it('never sees it in their own list, on any page', async () => {
    let cursor: string | null = null;
    const ids: number[] = [];
    do {
      const res = await app.request(`/api/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        token: bob,
      });
      expect(res.status).toBe(200);
      for (const o of res.body.items) {
        ids.push(o.id);
        expect(o.user.id).toBe(2);
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(ids).not.toContain(aliceOrder);
  });

  it('cannot change it: no write route exists for orders', async () => {
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      const res = await app.request(`/api/orders/${aliceOrder}`, {
        method,
        token: bob,
        body: { status: 'x' },
      });
      expect(res.status, method).toBe(404);
    }
    const still = await app.request(`/api/orders/${aliceOrder}`, { token: alice });
    expect(still.status).toBe(200);
    expect(still.body.status).toBe('confirmed');
  });

  it('cannot walk ids to find any order of someone else', async () => {
    const { rows } = await app.db.query<{ id: number }>(
      'SELECT id FROM orders WHERE user_id <> 2 ORDER BY id LIMIT 25',
    );
    for (const { id } of rows) {
      expect((await app.request(`/api/orders/${id}`, { token: bob })).status).toBe(404);
    }
  });
});
