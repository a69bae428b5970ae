import type { Db, Queryable } from '../db/types.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { FLAG } from '../flags/names.js';
import type { FlagReader } from '../flags/types.js';
import { HttpError } from '../http/errors.js';
import type { ProductCache } from './product-cache.js';
import { decodeOffsetCursor, encodeOffsetCursor, LIVE_PRODUCT } from './products.js';

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

const ITEM_COLUMNS = 'order_id, product_id, product_name, unit_price_cents, quantity';
// normalized_reads: the product's current name and price instead of the snapshot.
const ITEM_COLUMNS_JOINED =
  'i.order_id, i.product_id, p.name AS product_name, p.price_cents AS unit_price_cents, i.quantity';
const itemsFrom = (flags: FlagReader): string =>
  flags.isOn(FLAG.NORMALIZED_READS)
    ? `SELECT ${ITEM_COLUMNS_JOINED} FROM order_items i JOIN products p ON p.id = i.product_id`
    : `SELECT ${ITEM_COLUMNS} FROM order_items`;

/** The optimized reads of everything that is not a lab scenario (e.g. inside createOrder). */
const OPTIMIZED: FlagReader = { isOn: () => false };

/**
 * The items of a page of orders.
 * n_plus_one on: one query per order, 1 + N queries for a page of N.
 * Off: all items of the page in one query, whatever N.
 */
async function withItems(q: Queryable, orders: OrderRow[], flags: FlagReader) {
  if (orders.length === 0) return [];
  const byOrder = new Map<number, ItemRow[]>();
  if (flags.isOn(FLAG.N_PLUS_ONE)) {
    for (const order of orders) {
      const { rows } = await q.query<ItemRow>(`${itemsFrom(flags)} WHERE order_id = $1 ORDER BY line_no`, [
        order.id,
      ]);
      byOrder.set(order.id, rows);
    }
  } else {
    const { rows } = await q.query<ItemRow>(
      `${itemsFrom(flags)} WHERE order_id = ANY($1::int[]) ORDER BY order_id, line_no`,
      [orders.map((o) => o.id)],
    );
    for (const item of rows) {
      const list = byOrder.get(item.order_id) ?? [];
      list.push(item);
      byOrder.set(item.order_id, list);
    }
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
export async function createOrder(
  db: Db,
  cache: ProductCache,
  userId: number,
  items: readonly OrderLine[],
): Promise<Order> {
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
    return (await withItems(tx, [created], OPTIMIZED))[0];
  });
  // The cached products' stock just changed.
  await Promise.all(items.map((i) => cache.invalidate(i.productId)));
  return order as Order;
}

/**
 * The order columns.
 * normalized_reads on: the user's name and email joined from users (section 14's
 * normalized read). Off: the snapshot taken when the order was placed.
 */
function orderSelect(flags: FlagReader): string {
  if (!flags.isOn(FLAG.NORMALIZED_READS)) return `SELECT ${ORDER_COLUMNS} FROM orders`;
  // As a derived table named orders, so the WHERE and ORDER BY below read the same either way.
  return `SELECT * FROM (SELECT o.id, o.user_id, u.name AS user_name, u.email AS user_email, o.status,
                 o.total_cents, o.created_at FROM orders o JOIN users u ON u.id = o.user_id) orders`;
}

/**
 * The caller's orders, newest first.
 * offset_pagination on: LIMIT/OFFSET, so a deep page reads every row before it.
 * Off: keyset-paged on (created_at, id), so every page costs the same.
 */
export async function listOrders(
  db: Db,
  flags: FlagReader,
  userId: number,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: Order[]; nextCursor: string | null }> {
  const params: unknown[] = [userId, limit + 1];
  let paging = '';
  const byOffset = flags.isOn(FLAG.OFFSET_PAGINATION);
  const offset = byOffset ? decodeOffsetCursor(cursor) : 0;
  if (byOffset) {
    params.push(offset);
    paging = 'OFFSET $3';
  } else if (cursor) {
    const [createdAt, id] = decodeCursor(cursor, ['string', 'number']);
    if (Number.isNaN(Date.parse(String(createdAt)))) {
      throw new HttpError(400, 'VALIDATION_FAILED', 'cursor: must be a cursor returned by the API', 'cursor');
    }
    params.push(createdAt, id);
    paging = 'AND (created_at, id) < ($3::timestamptz, $4::int)';
  }
  const { rows } = await db.query<OrderRow>(
    byOffset
      ? `${orderSelect(flags)} WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 ${paging}`
      : `${orderSelect(flags)} WHERE user_id = $1 ${paging} ORDER BY created_at DESC, id DESC LIMIT $2`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  let nextCursor: string | null = null;
  if (rows.length > limit && last) {
    nextCursor = byOffset
      ? encodeOffsetCursor(offset + page.length)
      : encodeCursor([last.created_at.toISOString(), last.id]);
  }
  return { items: await withItems(db, page, flags), nextCursor };
}

/** One order of the caller's. Scoped by owner in SQL: another user's order reads as missing (API1). */
export async function findOrder(
  db: Db,
  flags: FlagReader,
  userId: number,
  id: number,
): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>(`${orderSelect(flags)} WHERE id = $1 AND user_id = $2`, [
    id,
    userId,
  ]);
  return rows[0] ? (await withItems(db, rows, flags))[0] : undefined;
}
