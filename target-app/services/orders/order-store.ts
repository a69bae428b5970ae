import type { Db, Queryable } from '../../db/types.js';
import { makeEvent } from '../events/event.js';
import { addToOutbox } from '../events/outbox.js';

export type OrderStatus = 'pending' | 'confirmed' | 'failed';

interface OrderRow {
  id: number;
  user_id: number;
  status: OrderStatus;
  failure_reason: string | null;
  total_cents: number;
  created_at: Date;
}

interface ItemRow {
  order_id: number;
  product_id: number;
  product_name: string;
  unit_price_cents: number;
  quantity: number;
}

export interface PricedLine {
  productId: number;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

const COLUMNS = 'id, user_id, status, failure_reason, total_cents, created_at';

export type StoredOrder = ReturnType<typeof toOrder>;

function toOrder(o: OrderRow, items: ItemRow[]) {
  return {
    id: o.id,
    userId: o.user_id,
    status: o.status,
    ...(o.failure_reason ? { failureReason: o.failure_reason } : {}),
    totalCents: Number(o.total_cents),
    createdAt: o.created_at.toISOString(),
    items: items.map((i) => ({
      productId: i.product_id,
      name: i.product_name,
      unitPriceCents: i.unit_price_cents,
      quantity: i.quantity,
      lineTotalCents: i.unit_price_cents * i.quantity,
    })),
  };
}

export function orderStore(schema: string) {
  const orders = `${schema}.orders`;
  const items = `${schema}.order_items`;

  const withItems = async (q: Queryable, rows: OrderRow[]) => {
    if (rows.length === 0) return [];
    const { rows: lines } = await q.query<ItemRow>(
      `SELECT order_id, product_id, product_name, unit_price_cents, quantity
         FROM ${items} WHERE order_id = ANY($1::int[]) ORDER BY order_id, line_no`,
      [rows.map((o) => o.id)],
    );
    const byOrder = new Map<number, ItemRow[]>();
    for (const l of lines) byOrder.set(l.order_id, [...(byOrder.get(l.order_id) ?? []), l]);
    return rows.map((o) => toOrder(o, byOrder.get(o.id) ?? []));
  };

  return {
    /**
     * The transactional outbox: the pending order, its lines and its
     * `order.created` event commit together or not at all.
     */
    async create(
      db: Db,
      userId: number,
      lines: PricedLine[],
      traceparent: string | undefined,
    ): Promise<StoredOrder> {
      return db.transaction(async (tx) => {
        const total = lines.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0);
        const { rows } = await tx.query<OrderRow>(
          `INSERT INTO ${orders} (user_id, total_cents) VALUES ($1, $2) RETURNING ${COLUMNS}`,
          [userId, total],
        );
        const created = rows[0] as OrderRow;
        await tx.query(
          `INSERT INTO ${items} (order_id, line_no, product_id, product_name, unit_price_cents, quantity)
           SELECT $1, ord, pid, name, price, qty
             FROM unnest($2::int[], $3::text[], $4::int[], $5::int[]) WITH ORDINALITY AS t(pid, name, price, qty, ord)`,
          [
            created.id,
            lines.map((l) => l.productId),
            lines.map((l) => l.name),
            lines.map((l) => l.unitPriceCents),
            lines.map((l) => l.quantity),
          ],
        );
        const event = makeEvent(
          'order.created',
          created.id,
          {
            userId,
            totalCents: total,
            items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
          },
          traceparent,
        );
        await addToOutbox(tx, schema, event);
        return (await withItems(tx, [created]))[0] as StoredOrder;
      });
    },

    async find(q: Queryable, userId: number, id: number): Promise<StoredOrder | undefined> {
      const { rows } = await q.query<OrderRow>(
        `SELECT ${COLUMNS} FROM ${orders} WHERE id = $1 AND user_id = $2`,
        [id, userId],
      );
      return rows[0] ? (await withItems(q, rows))[0] : undefined;
    },

    async list(q: Queryable, userId: number, limit: number, beforeId: number | undefined) {
      const { rows } = await q.query<OrderRow>(
        `SELECT ${COLUMNS} FROM ${orders} WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
        [userId, beforeId ?? 2_147_483_647, limit + 1],
      );
      const page = rows.slice(0, limit);
      return {
        items: await withItems(q, page),
        more: rows.length > limit,
        lastId: page[page.length - 1]?.id,
      };
    },

    /**
     * Moves a pending order to its terminal state; returns the seconds it was
     * pending, or undefined when it was not pending (already terminal).
     */
    async finish(
      tx: Queryable,
      id: number,
      status: 'confirmed' | 'failed',
      reason?: string,
    ): Promise<number | undefined> {
      const { rows } = await tx.query<{ seconds: number }>(
        `UPDATE ${orders} SET status = $2, failure_reason = $3, finished_at = clock_timestamp()
          WHERE id = $1 AND status = 'pending'
          RETURNING extract(epoch FROM finished_at - created_at)::float8 AS seconds`,
        [id, status, reason ?? null],
      );
      return rows[0]?.seconds;
    },
  };
}
