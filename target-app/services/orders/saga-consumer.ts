import type { Registry } from 'prom-client';
import type { Db } from '../../db/types.js';
import { subscribeIdempotent } from '../events/idempotent-consumer.js';
import type { Relay } from '../events/outbox.js';
import type { EventBus, EventType, Subscription } from '../events/types.js';
import { sagaMetrics } from '../shared/service-metrics.js';
import { orderStore } from './order-store.js';

export const ORDERS_CONSUMER = 'orders';

/** The events that end a checkout, and the state each one leaves the order in. */
const OUTCOMES: Partial<Record<EventType, 'confirmed' | 'failed'>> = {
  'inventory.reserved': 'confirmed',
  'payment.failed': 'failed',
  // Failed only once the charge is refunded: a failed order never keeps a charge.
  'payment.refunded': 'failed',
};

/** Moves orders to `confirmed` or `failed` as the saga's last events arrive, and times each saga. */
export function startOrderSaga(d: {
  db: Db;
  schema: string;
  bus: EventBus;
  relay: Relay;
  registry: Registry;
  service?: string;
}): Promise<Subscription> {
  const store = orderStore(d.schema);
  const metrics = sagaMetrics(d.registry);
  const finished = new Map<string, { result: 'confirmed' | 'failed'; seconds: number }>();
  return subscribeIdempotent({
    db: d.db,
    schema: d.schema,
    bus: d.bus,
    relay: d.relay,
    consumer: ORDERS_CONSUMER,
    service: d.service ?? 'orders',
    types: Object.keys(OUTCOMES) as EventType[],
    async handle(event, { tx }) {
      const result = OUTCOMES[event.type];
      if (!result) return [];
      const reason = typeof event.data.reason === 'string' ? event.data.reason : undefined;
      const seconds = await store.finish(tx, event.orderId, result, result === 'failed' ? reason : undefined);
      if (seconds !== undefined) finished.set(event.id, { result, seconds });
      return [];
    },
    afterCommit(event) {
      const f = finished.get(event.id);
      finished.delete(event.id);
      if (f) metrics.finished(f.result, f.seconds);
    },
  });
}
