import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../../target-app/db/types.js';
import type { DomainEvent } from '../../../../target-app/services/events/types.js';
import { ORDERS_MIGRATIONS } from '../../../../target-app/services/orders/migrations.js';
import { orderStore, type PricedLine } from '../../../../target-app/services/orders/order-store.js';
import { interceptTransactions, migratedSchema, type TxStatement } from '../helpers/outbox-harness.js';

// The transactional outbox of POST /api/orders: the order, its lines and its
// order.created event commit together or not at all. Read back from the
// tables, on PostgreSQL (api-postgres) and PGlite (api-embedded).

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const LINES: PricedLine[] = [
  { productId: 3, name: 'Kettle', unitPriceCents: 2_500, quantity: 2 },
  { productId: 7, name: 'Teapot', unitPriceCents: 1_200, quantity: 1 },
];

let db: Db;
let schema: string;
let close: () => Promise<void>;
let store: ReturnType<typeof orderStore>;

beforeAll(async () => {
  ({ db, schema, close } = await migratedSchema(ORDERS_MIGRATIONS));
  store = orderStore(schema);
}, 60_000);

afterAll(async () => {
  await close?.();
});

// Whatever a test did, no order is left without exactly one order.created
// event, and no event without its order.
afterEach(async () => {
  const { rows } = await db.query(
    `SELECT o.id, e.order_id, e.n FROM ${schema}.orders o
       FULL JOIN (SELECT order_id, count(*)::int AS n FROM ${schema}.outbox
                   WHERE type = 'order.created' GROUP BY order_id) e ON e.order_id = o.id
      WHERE o.id IS NULL OR e.order_id IS NULL OR e.n <> 1`,
  );
  expect(rows).toEqual([]);
});

async function counts(userId?: number) {
  const { rows } = await db.query<{ orders: number; items: number; outbox: number }>(
    `SELECT (SELECT count(*)::int FROM ${schema}.orders WHERE $1::int IS NULL OR user_id = $1) AS orders,
            (SELECT count(*)::int FROM ${schema}.order_items i JOIN ${schema}.orders o ON o.id = i.order_id
              WHERE $1::int IS NULL OR o.user_id = $1) AS items,
            (SELECT count(*)::int FROM ${schema}.outbox) AS outbox`,
    [userId ?? null],
  );
  return rows[0];
}

async function outboxOf(orderId: number) {
  const { rows } = await db.query<{ id: string; type: string; published_at: Date | null; payload: string }>(
    `SELECT id, type, published_at, payload::text AS payload FROM ${schema}.outbox WHERE order_id = $1`,
    [orderId],
  );
  return rows.map((r) => ({ ...r, event: JSON.parse(r.payload) as DomainEvent }));
}

const isOutboxInsert = (s: TxStatement) => s.text.includes(`INSERT INTO ${schema}.outbox`);

describe('orderStore.create (transactional outbox)', () => {
  it('commits the pending order, its lines and exactly one order.created outbox row', async () => {
    const order = await store.create(db, 101, LINES, TRACEPARENT);

    const { rows: orders } = await db.query<{ id: number; status: string; total_cents: string }>(
      `SELECT id, status, total_cents::text FROM ${schema}.orders WHERE user_id = 101`,
    );
    expect(orders).toEqual([{ id: order.id, status: 'pending', total_cents: '6200' }]);
    const { rows: items } = await db.query(
      `SELECT line_no, product_id, quantity FROM ${schema}.order_items WHERE order_id = $1 ORDER BY line_no`,
      [order.id],
    );
    expect(items).toEqual([
      { line_no: 1, product_id: 3, quantity: 2 },
      { line_no: 2, product_id: 7, quantity: 1 },
    ]);

    const outbox = await outboxOf(order.id);
    expect(outbox).toHaveLength(1);
    const [row] = outbox;
    expect(row).toMatchObject({ type: 'order.created', published_at: null });
    expect(row?.event).toMatchObject({
      id: row?.id,
      type: 'order.created',
      orderId: order.id,
      traceparent: TRACEPARENT,
      data: {
        userId: 101,
        totalCents: 6_200,
        items: [
          { productId: 3, quantity: 2 },
          { productId: 7, quantity: 1 },
        ],
      },
    });
    expect(order).toMatchObject({ userId: 101, status: 'pending', totalCents: 6_200 });
  });

  it('leaves no order and no lines when the outbox insert fails inside the transaction', async () => {
    const before = await counts();
    let linesInsideTx: number | undefined;
    const failing = interceptTransactions(db, async (s, tx) => {
      if (!isOutboxInsert(s)) return s;
      // The order and its lines were written in this transaction before the event was.
      const { rows } = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${schema}.orders o JOIN ${schema}.order_items i ON i.order_id = o.id
          WHERE o.user_id = 102`,
      );
      linesInsideTx = rows[0]?.n;
      throw new Error('outbox insert failed');
    });

    await expect(store.create(failing, 102, LINES, TRACEPARENT)).rejects.toThrow('outbox insert failed');

    expect(linesInsideTx).toBe(LINES.length);
    expect(await counts(102)).toEqual({ orders: 0, items: 0, outbox: before?.outbox });
    expect(await counts()).toEqual(before);
  });

  it('rolls back when the database rejects the event (its id already in the outbox)', async () => {
    const first = await store.create(db, 103, LINES, undefined);
    const [taken] = await outboxOf(first.id);
    const before = await counts();
    const colliding = interceptTransactions(db, async (s) =>
      isOutboxInsert(s) ? { text: s.text, params: [taken?.id, ...(s.params ?? []).slice(1)] } : s,
    );

    // A unique violation raised by the database itself, not by the wrapper.
    await expect(store.create(colliding, 104, LINES, undefined)).rejects.toMatchObject({ code: '23505' });

    expect(await counts(104)).toEqual({ orders: 0, items: 0, outbox: before?.outbox });
    expect(await counts()).toEqual(before);
    // The row it collided with is the first order's, untouched.
    expect(await outboxOf(first.id)).toEqual([taken]);
  });

  it('leaves no event when the transaction fails after the event was written', async () => {
    const before = await counts();
    const seen: string[] = [];
    const failing = interceptTransactions(db, async (s) => {
      seen.push(s.text.trim().split(/\s+/, 3).join(' '));
      if (s.text.includes(`FROM ${schema}.order_items`)) throw new Error('read back failed');
      return s;
    });

    await expect(store.create(failing, 105, LINES, undefined)).rejects.toThrow('read back failed');

    expect(seen).toContain(`INSERT INTO ${schema}.outbox`);
    expect(await counts()).toEqual(before);
  });

  it('gives each of many concurrent orders exactly one event of its own', async () => {
    const before = await counts();
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.create(db, 200 + i, LINES.slice(0, 1), TRACEPARENT)),
    );

    const { rows } = await db.query<{ order_id: number; n: number; ids: number }>(
      `SELECT order_id, count(*)::int AS n, count(DISTINCT id)::int AS ids FROM ${schema}.outbox
        WHERE order_id = ANY($1::int[]) AND type = 'order.created' GROUP BY order_id`,
      [created.map((o) => o.id)],
    );
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.n === 1 && r.ids === 1)).toBe(true);
    expect(await counts()).toEqual({
      orders: (before?.orders ?? 0) + 12,
      items: (before?.items ?? 0) + 12,
      outbox: (before?.outbox ?? 0) + 12,
    });
  });
});
