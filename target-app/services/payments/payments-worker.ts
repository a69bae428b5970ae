import type { Logger } from 'pino';
import type { Db } from '../../db/types.js';
import { makeEvent } from '../events/event.js';
import { subscribeIdempotent } from '../events/idempotent-consumer.js';
import type { Relay } from '../events/outbox.js';
import type { EventBus, Subscription } from '../events/types.js';

export const PAYMENTS_CONSUMER = 'payments';

export interface PaymentsDeps {
  db: Db;
  schema: string;
  bus: EventBus;
  relay: Relay;
  logger: Logger;
  /** Share of charges the simulated processor declines, 0 to 1. */
  failureRate: number;
  /** Where the declines come from; Math.random unless a test pins it. */
  random?: () => number;
  service?: string;
}

/**
 * The payments worker. `order.created` charges (simulated: declined at
 * `failureRate`) and announces `payment.completed` with the order's lines for
 * inventory, or `payment.failed`. `inventory.failed` refunds a completed
 * charge and announces `payment.refunded`: the saga's compensation.
 */
export async function startPaymentsWorker(deps: PaymentsDeps): Promise<Subscription[]> {
  const random = deps.random ?? Math.random;
  const t = `${deps.schema}.payments`;
  const common = {
    db: deps.db,
    schema: deps.schema,
    bus: deps.bus,
    relay: deps.relay,
    service: deps.service ?? 'payments',
  };
  const charge = await subscribeIdempotent({
    ...common,
    consumer: PAYMENTS_CONSUMER,
    types: ['order.created'],
    async handle(event, { tx, traceparent }) {
      const amount = Number((event.data as { totalCents?: unknown }).totalCents ?? 0);
      const declined = random() < deps.failureRate;
      const { rowCount } = await tx.query(
        `INSERT INTO ${t} (order_id, amount_cents, status) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO NOTHING`,
        [event.orderId, amount, declined ? 'failed' : 'completed'],
      );
      // A second order.created for one order (a new event id) must not charge again.
      if (rowCount === 0) return [];
      if (declined)
        return [makeEvent('payment.failed', event.orderId, { reason: 'card declined' }, traceparent)];
      return [
        makeEvent(
          'payment.completed',
          event.orderId,
          { amountCents: amount, items: event.data.items ?? [] },
          traceparent,
        ),
      ];
    },
  });
  const refund = await subscribeIdempotent({
    ...common,
    consumer: `${PAYMENTS_CONSUMER}-refunds`,
    types: ['inventory.failed'],
    async handle(event, { tx, traceparent }) {
      const { rowCount } = await tx.query(
        `UPDATE ${t} SET status = 'refunded', updated_at = now() WHERE order_id = $1 AND status = 'completed'`,
        [event.orderId],
      );
      if (rowCount === 0) {
        deps.logger.warn(
          { orderId: event.orderId },
          'inventory failed for an order with no completed payment',
        );
        return [];
      }
      return [makeEvent('payment.refunded', event.orderId, { reason: event.data.reason ?? '' }, traceparent)];
    },
  });
  return [charge, refund];
}
