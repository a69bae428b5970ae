import type { Logger } from 'pino';
import type { Db, Queryable } from '../../db/types.js';
import { makeEvent } from '../events/event.js';
import { subscribeIdempotent } from '../events/idempotent-consumer.js';
import type { Relay } from '../events/outbox.js';
import type { DomainEvent, EventBus, Subscription } from '../events/types.js';

export const INVENTORY_CONSUMER = 'inventory';

interface Line {
  productId: number;
  quantity: number;
}

function linesOf(event: DomainEvent): Line[] {
  const items = (event.data as { items?: unknown }).items;
  if (!Array.isArray(items)) return [];
  return items
    .map((i) => ({ productId: Number((i as Line).productId), quantity: Number((i as Line).quantity) }))
    .filter((l) => Number.isSafeInteger(l.productId) && Number.isSafeInteger(l.quantity) && l.quantity > 0);
}

/**
 * Reserves all of an order's lines or none: locks the products in id order
 * (no deadlock between two orders), checks every line, then takes the units
 * and records the reservation. Returns the line that could not be met.
 */
async function reserve(
  tx: Queryable,
  schema: string,
  orderId: number,
  lines: Line[],
): Promise<string | undefined> {
  if (lines.length === 0) return 'the order has no lines';
  const sorted = [...lines].sort((a, b) => a.productId - b.productId);
  const { rows } = await tx.query<{ id: number; stock: number }>(
    `SELECT id, stock FROM ${schema}.products WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE`,
    [sorted.map((l) => l.productId)],
  );
  const stock = new Map(rows.map((r) => [r.id, r.stock]));
  for (const l of sorted) {
    const left = stock.get(l.productId);
    if (left === undefined) return `product ${l.productId} does not exist`;
    if (left < l.quantity) return `product ${l.productId} has only ${left} left`;
  }
  await tx.query(
    `UPDATE ${schema}.products p SET stock = p.stock - t.qty
       FROM unnest($1::int[], $2::int[]) AS t(pid, qty) WHERE p.id = t.pid`,
    [sorted.map((l) => l.productId), sorted.map((l) => l.quantity)],
  );
  await tx.query(
    `INSERT INTO ${schema}.reservations (order_id, product_id, quantity)
     SELECT $1, pid, qty FROM unnest($2::int[], $3::int[]) AS t(pid, qty)`,
    [orderId, sorted.map((l) => l.productId), sorted.map((l) => l.quantity)],
  );
  return undefined;
}

/**
 * The inventory worker: on `payment.completed` it reserves the order's stock
 * and announces `inventory.reserved`, or `inventory.failed`, which makes
 * payments refund (the saga's compensation).
 */
export function startInventoryWorker(deps: {
  db: Db;
  schema: string;
  bus: EventBus;
  relay: Relay;
  logger: Logger;
  service?: string;
}): Promise<Subscription> {
  return subscribeIdempotent({
    db: deps.db,
    schema: deps.schema,
    bus: deps.bus,
    relay: deps.relay,
    consumer: INVENTORY_CONSUMER,
    service: deps.service ?? 'inventory',
    types: ['payment.completed'],
    async handle(event, { tx, traceparent }) {
      const lines = linesOf(event);
      const problem = await reserve(tx, deps.schema, event.orderId, lines);
      if (problem) {
        deps.logger.info(
          { orderId: event.orderId, reason: problem },
          'inventory cannot reserve: compensating',
        );
        return [makeEvent('inventory.failed', event.orderId, { reason: problem }, traceparent)];
      }
      return [makeEvent('inventory.reserved', event.orderId, { items: lines }, traceparent)];
    },
  });
}
