import type { Db, Queryable } from '../db/types.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { HttpError } from '../http/errors.js';
import { LIVE_PRODUCT } from './products.js';

/** SQL for orders. Every value is a parameter; the owner is always part of the WHERE. */

interface OrderRow {
  id: number;
  user_id: number;
  user_name: string;
  user_email: string;
  status: string;
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

const ORDER_COLUMNS = 'id, user_id, user_name, user_email, status, total_cents, created_at';

export type Order = ReturnType<typeof toOrder>;

function toOrder(o: OrderRow, items: ItemRow[]) {
  return {
    id: o.id,
    status: o.status,
    totalCents: Number(o.total_cents),
    createdAt: o.created_at.toISOString(),
    user: { id: o.user_id, name: o.user_name, email: o.user_email },
    items: items.map((i) => ({
      productId: i.product_id,
      name: i.product_name,
      unitPriceCents: i.unit_price_cents,
      quantity: i.quantity,
      lineTotalCents: i.unit_price_cents * i.quantity,
    })),
  };
}

/** All items of a page of orders in one query, never one query per order. */
async function withItems(q: Queryable, orders: OrderRow[]) {
  if (orders.length === 0) return [];
  const { rows } = await q.query<ItemRow>(
    `SELECT order_id, product_id, product_name, unit_price_cents, quantity
       FROM order_items WHERE order_id = ANY($1::int[]) ORDER BY order_id, line_no`,
    [orders.map((o) => o.id)],
  );
  const byOrder = new Map<number, ItemRow[]>();
  for (const item of rows) {
    const list = byOrder.get(item.order_id) ?? [];
    list.push(item);
    byOrder.set(item.order_id, list);
  }
  return orders.map((o) => toOrder(o, byOrder.get(o.id) ?? []));
}

export interface OrderLine {
  productId: number;
  quantity: number;
}

/**
 * Places an order in one transaction: locks the products, checks stock,
 * snapshots names and prices, writes the order and its items and takes the
 * units out of stock. Concurrent orders for the same units queue on the row
 * locks, so stock can never be oversold (OWASP API6).
 */
export async function createOrder(db: Db, userId: number, items: readonly OrderLine[]): Promise<Order> {
  const order = await db.transaction(async (tx) => {
    const ids = items.map((i) => i.productId).sort((a, b) => a - b);
    // Locking the rows in id order serializes concurrent orders for the same
    // stock and cannot deadlock; prices come from here, never from the client.
    const { rows: products } = await tx.query<{
      id: number;
      name: string;
      price_cents: number;
      stock: number;
    }>(
      `SELECT id, name, price_cents, stock FROM products
        WHERE id = ANY($1::int[]) AND ${LIVE_PRODUCT} ORDER BY id FOR UPDATE`,
      [ids],
    );
    const byId = new Map(products.map((p) => [p.id, p]));
    const lines = items.map((item, index) => {
      const product = byId.get(item.productId);
      if (!product) {
        throw new HttpError(
          422,
          'UNKNOWN_PRODUCT',
          `product ${item.productId} does not exist`,
          `items.${index}.productId`,
        );
      }
      if (product.stock < item.quantity) {
        throw new HttpError(
          409,
          'OUT_OF_STOCK',
          `product ${item.productId} has only ${product.stock} left`,
          `items.${index}.quantity`,
        );
      }
      return { product, quantity: item.quantity };
    });
    const total = lines.reduce((sum, l) => sum + l.product.price_cents * l.quantity, 0);
    const { rows } = await tx.query<OrderRow>(
      `INSERT INTO orders (user_id, user_name, user_email, total_cents)
       SELECT id, name, email, $2 FROM users WHERE id = $1
       RETURNING ${ORDER_COLUMNS}`,
      [userId, total],
    );
    const created = rows[0];
    if (!created)
      throw new HttpError(401, 'UNAUTHENTICATED', 'the account behind this token no longer exists');
    await tx.query(
      `INSERT INTO order_items (order_id, line_no, product_id, product_name, unit_price_cents, quantity)
       SELECT $1, ord, pid, name, price, qty
         FROM unnest($2::int[], $3::text[], $4::int[], $5::int[]) WITH ORDINALITY AS t(pid, name, price, qty, ord)`,
      [
        created.id,
        lines.map((l) => l.product.id),
        lines.map((l) => l.product.name),
        lines.map((l) => l.product.price_cents),
        lines.map((l) => l.quantity),
      ],
    );
    await tx.query(
      `UPDATE products p SET stock = p.stock - t.qty
         FROM unnest($1::int[], $2::int[]) AS t(pid, qty) WHERE p.id = t.pid`,
      [lines.map((l) => l.product.id), lines.map((l) => l.quantity)],
    );
    return (await withItems(tx, [created]))[0];
  });
  return order as Order;
}

/** The caller's orders, newest first, keyset-paged on (created_at, id). */
export async function listOrders(
  db: Db,
  userId: number,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: Order[]; nextCursor: string | null }> {
  const params: unknown[] = [userId, limit + 1];
  let keyset = '';
  if (cursor) {
    const [createdAt, id] = decodeCursor(cursor, ['string', 'number']);
    if (Number.isNaN(Date.parse(String(createdAt)))) {
      throw new HttpError(400, 'VALIDATION_FAILED', 'cursor: must be a cursor returned by the API', 'cursor');
    }
    params.push(createdAt, id);
    keyset = 'AND (created_at, id) < ($3::timestamptz, $4::int)';
  }
  const { rows } = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1 ${keyset}
      ORDER BY created_at DESC, id DESC LIMIT $2`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: await withItems(db, page),
    nextCursor: rows.length > limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
  };
}

/** One order of the caller's. Scoped by owner in SQL: another user's order reads as missing (API1). */
export async function findOrder(db: Db, userId: number, id: number): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND user_id = $2`,
    [id, userId],
  );
  return rows[0] ? (await withItems(db, rows))[0] : undefined;
}
