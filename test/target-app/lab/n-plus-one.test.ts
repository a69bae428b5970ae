import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabApp, type LabApp } from '../../helpers/lab-app.js';

const ROUTE_LIST = '/api/orders';
const ROUTE_ONE = '/api/orders/:id';
let app: LabApp;
let token: string;

beforeAll(async () => {
  // Enough orders per customer that 1 + N cannot be mistaken for a constant.
  app = await startLabApp({ seed: { users: 3, orders: 60 } });
  token = await app.login(1);
});
afterAll(() => app?.close());

async function queriesFor(route: string, path: string) {
  const before = await app.queries(route);
  const res = await app.measured(path, { token });
  const after = await app.queries(route);
  expect(res.status).toBe(200);
  expect(after.count - before.count).toBe(1);
  return { body: res.body, queries: after.sum - before.sum };
}

describe('n_plus_one', () => {
  it('off: a page of order history is two queries whatever its size; on: 1 + N', async () => {
    const off = await queriesFor(ROUTE_LIST, '/api/orders?limit=15');
    const n = (off.body.items as unknown[]).length;
    expect(n).toBe(15);
    expect(off.queries).toBe(2);

    await app.setFlags({ n_plus_one: true });
    const on = await queriesFor(ROUTE_LIST, '/api/orders?limit=15');
    expect(on.queries).toBe(1 + n);
    // The slow way answers exactly the same.
    expect(on.body).toEqual(off.body);

    const smaller = await queriesFor(ROUTE_LIST, '/api/orders?limit=4');
    expect(smaller.queries).toBe(1 + 4);
    await app.setFlags({ n_plus_one: false });
    expect((await queriesFor(ROUTE_LIST, '/api/orders?limit=4')).queries).toBe(2);
  });

  it('one order reads the same either way', async () => {
    const list = await app.request('/api/orders?limit=1', { token });
    const id = list.body.items[0].id as number;
    const off = await queriesFor(ROUTE_ONE, `/api/orders/${id}`);
    await app.setFlags({ n_plus_one: true });
    const on = await queriesFor(ROUTE_ONE, `/api/orders/${id}`);
    await app.setFlags({ n_plus_one: false });
    expect(on.body).toEqual(off.body);
    expect(off.queries).toBe(2);
    expect(on.queries).toBe(2);
  });
});
