import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOrders } from '../helpers/load.js';
import { sagaCounts, sagaViolations, stockOf, waitAllTerminal } from '../helpers/saga-invariants.js';
import { SYSTEM_SEED, startTestSystem, type TestSystem } from '../helpers/system.js';

// Fault test: 30% of charges declined under concurrent load, with stock low
// enough that some paid orders cannot be reserved either. Every declined
// payment fails its order; every reservation failure is refunded
// (compensation); confirmed orders match reserved stock and completed
// payments exactly. Checked in the databases after the run.

const ORDERS = 120;
const STOCK = 12;
let t: TestSystem;
let initial: Map<number, number>;

beforeAll(async () => {
  t = await startTestSystem({ env: { PAYMENT_FAILURE_RATE: '0.3' }, stock: STOCK });
  initial = await stockOf(t.db, t.config.schemas);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('30% payment failures under load', () => {
  it('compensates every failure and keeps orders, payments and stock in step', async () => {
    const tokens = await Promise.all([1, 2, 3, 4].map((n) => t.login(n)));
    const load = await placeOrders(t, tokens, {
      total: ORDERS,
      concurrency: 8,
      products: SYSTEM_SEED.products,
      ms: 90_000,
    });
    expect(load.rejected).toBe(0);
    expect(load.placed).toHaveLength(ORDERS);
    const counts = await waitAllTerminal(t.db, t.config.schemas, 60_000);
    expect(await sagaViolations(t.db, t.config.schemas, initial)).toEqual([]);
    // Each path of the saga was taken, and the books balance.
    expect(counts.declined).toBeGreaterThan(0);
    expect(counts.refunded).toBeGreaterThan(0);
    expect(counts.confirmed).toBeGreaterThan(0);
    expect(counts.confirmed).toBe(counts.completed);
    expect(counts.failed).toBe(counts.declined + counts.refunded);
    expect(counts.orders).toBe(ORDERS);
    const { rows } = await t.db.query<{ reserved: number }>(
      `SELECT COALESCE(sum(quantity), 0)::int AS reserved FROM ${t.config.schemas.catalog}.reservations`,
    );
    const left = [...(await stockOf(t.db, t.config.schemas)).values()].reduce((a, b) => a + b, 0);
    expect(rows[0]?.reserved).toBe(STOCK * SYSTEM_SEED.products - left);
    for (const consumer of ['payments', 'inventory', 'orders', 'payments-refunds'])
      expect(await t.bus.deadLetters(consumer)).toEqual([]);
    expect(await sagaCounts(t.db, t.config.schemas)).toEqual(counts);
  }, 240_000);
});
