import type { Db } from '../../../../target-app/db/types.js';
import type { ServicesConfig } from '../../../../target-app/services/shared/services-config.js';

export interface SagaCounts {
  orders: number;
  pending: number;
  confirmed: number;
  failed: number;
  completed: number;
  refunded: number;
  declined: number;
}

/** Order states and payment states as the databases hold them. */
export async function sagaCounts(db: Db, s: ServicesConfig['schemas']): Promise<SagaCounts> {
  const { rows } = await db.query<SagaCounts>(
    `SELECT (SELECT count(*)::int FROM ${s.orders}.orders) AS orders,
            (SELECT count(*)::int FROM ${s.orders}.orders WHERE status = 'pending') AS pending,
            (SELECT count(*)::int FROM ${s.orders}.orders WHERE status = 'confirmed') AS confirmed,
            (SELECT count(*)::int FROM ${s.orders}.orders WHERE status = 'failed') AS failed,
            (SELECT count(*)::int FROM ${s.payments}.payments WHERE status = 'completed') AS completed,
            (SELECT count(*)::int FROM ${s.payments}.payments WHERE status = 'refunded') AS refunded,
            (SELECT count(*)::int FROM ${s.payments}.payments WHERE status = 'failed') AS declined`,
  );
  return rows[0] as SagaCounts;
}

/** Polls the orders table until no order is pending; bounded by `ms`. */
export async function waitAllTerminal(db: Db, s: ServicesConfig['schemas'], ms: number): Promise<SagaCounts> {
  const deadline = Date.now() + ms;
  for (;;) {
    const counts = await sagaCounts(db, s);
    if (counts.pending === 0) return counts;
    if (Date.now() > deadline)
      throw new Error(`orders still pending after ${ms} ms: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The saga's invariants, read from the three schemas (one database here,
 * as on PGlite; the queries join across schemas only in the test). Returns
 * every violation found, so a failure says all that is wrong at once.
 */
export async function sagaViolations(
  db: Db,
  s: ServicesConfig['schemas'],
  initialStock: Map<number, number>,
): Promise<string[]> {
  const problems: string[] = [];
  const q = async (label: string, sql: string) => {
    const { rows } = await db.query<Record<string, unknown>>(sql);
    if (rows.length > 0)
      problems.push(
        `${label}: ${JSON.stringify(rows.slice(0, 5))}${rows.length > 5 ? ` (+${rows.length - 5})` : ''}`,
      );
  };
  await q('order still pending', `SELECT id FROM ${s.orders}.orders WHERE status = 'pending'`);
  await q(
    'order without exactly one payment',
    `SELECT o.id FROM ${s.orders}.orders o LEFT JOIN ${s.payments}.payments p ON p.order_id = o.id WHERE p.order_id IS NULL`,
  );
  await q(
    'payment without an order',
    `SELECT p.order_id FROM ${s.payments}.payments p LEFT JOIN ${s.orders}.orders o ON o.id = p.order_id WHERE o.id IS NULL`,
  );
  await q(
    'confirmed order not paid',
    `SELECT o.id, p.status FROM ${s.orders}.orders o JOIN ${s.payments}.payments p ON p.order_id = o.id
      WHERE o.status = 'confirmed' AND p.status <> 'completed'`,
  );
  await q(
    'failed order still charged',
    `SELECT o.id FROM ${s.orders}.orders o JOIN ${s.payments}.payments p ON p.order_id = o.id
      WHERE o.status = 'failed' AND p.status = 'completed'`,
  );
  await q(
    'confirmed order whose reservation differs from its lines',
    `SELECT o.id FROM ${s.orders}.orders o WHERE o.status = 'confirmed' AND EXISTS (
       SELECT product_id, quantity FROM ${s.orders}.order_items WHERE order_id = o.id
       EXCEPT SELECT product_id, quantity FROM ${s.catalog}.reservations WHERE order_id = o.id)`,
  );
  await q(
    'stock reserved for an order that is not confirmed',
    `SELECT DISTINCT r.order_id FROM ${s.catalog}.reservations r JOIN ${s.orders}.orders o ON o.id = r.order_id WHERE o.status <> 'confirmed'`,
  );
  await q(
    'payment charged an amount other than the order total',
    `SELECT o.id FROM ${s.orders}.orders o JOIN ${s.payments}.payments p ON p.order_id = o.id WHERE p.amount_cents <> o.total_cents`,
  );
  const { rows } = await db.query<{ id: number; stock: number; reserved: number }>(
    `SELECT p.id, p.stock, COALESCE(sum(r.quantity), 0)::int AS reserved
       FROM ${s.catalog}.products p LEFT JOIN ${s.catalog}.reservations r ON r.product_id = p.id GROUP BY p.id, p.stock`,
  );
  for (const r of rows) {
    const initial = initialStock.get(r.id);
    if (initial !== undefined && initial - r.stock !== r.reserved)
      problems.push(`product ${r.id}: ${initial} - ${r.stock} in stock but ${r.reserved} reserved`);
  }
  return problems;
}

export async function stockOf(db: Db, s: ServicesConfig['schemas']): Promise<Map<number, number>> {
  const { rows } = await db.query<{ id: number; stock: number }>(
    `SELECT id, stock FROM ${s.catalog}.products`,
  );
  return new Map(rows.map((r) => [r.id, r.stock]));
}
