import type { Db, Queryable } from '../../db/types.js';
import { addToOutbox, type Relay } from './outbox.js';
import { endSpan, startConsumerSpan, traceparentOf } from './trace-context.js';
import type { DomainEvent, EventBus, EventType, Subscription } from './types.js';

export interface HandleContext {
  /** The transaction the event's effect, its dedupe row and its outgoing events share. */
  tx: Queryable;
  /** traceparent for the events this handler emits: the consumer span, so the trace goes on. */
  traceparent: string | undefined;
  attempt: number;
}

export interface IdempotentConsumerOptions {
  db: Db;
  schema: string;
  bus: EventBus;
  relay: Relay;
  /** Durable consumer name, also the dedupe scope. */
  consumer: string;
  /** The service, as the consumer spans' tracer name. */
  service: string;
  types: readonly EventType[];
  /** Applies the event; returns the events it causes (written to the outbox in the same transaction). */
  handle(event: DomainEvent, ctx: HandleContext): Promise<DomainEvent[]>;
  /** Called after the transaction committed, once per event id (never for a duplicate). */
  afterCommit?(event: DomainEvent): void;
}

/**
 * Subscribes a handler that runs at most once per event id: the event id is
 * inserted into processed_events in the same transaction as the handler's
 * effect and its outgoing events. A redelivery (a lost ack, a crash after
 * commit, a NATS restart) finds the row and is acked without doing anything,
 * so nothing is charged or reserved twice.
 */
export function subscribeIdempotent(o: IdempotentConsumerOptions): Promise<Subscription> {
  return o.bus.subscribe({
    consumer: o.consumer,
    types: o.types,
    handler: async (event, delivery) => {
      const span = startConsumerSpan(
        o.service,
        o.bus.kind === 'jetstream' ? 'nats' : 'in-process',
        o.consumer,
        event,
      );
      let failure: unknown;
      try {
        const fresh = await o.db.transaction(async (tx) => {
          const { rowCount } = await tx.query(
            `INSERT INTO ${o.schema}.processed_events (consumer, event_id, event_type) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING`,
            [o.consumer, event.id, event.type],
          );
          if (rowCount === 0) return false;
          const out = await o.handle(event, {
            tx,
            traceparent: traceparentOf(span),
            attempt: delivery.attempt,
          });
          for (const e of out) await addToOutbox(tx, o.schema, e);
          return true;
        });
        span.setAttribute('perflab.event.duplicate', !fresh);
        if (fresh) {
          o.relay.notify();
          o.afterCommit?.(event);
        }
      } catch (err) {
        failure = err;
        throw err;
      } finally {
        endSpan(span, failure);
      }
    },
  });
}
