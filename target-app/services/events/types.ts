/** The saga's event types; the part before the dot names the domain (its stream). */
export const EVENT_TYPES = [
  'order.created',
  'payment.completed',
  'payment.failed',
  'payment.refunded',
  'inventory.reserved',
  'inventory.failed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One domain event. Every event names its order and carries the trace it belongs to. */
export interface DomainEvent<D = Record<string, unknown>> {
  /** A UUID: the dedupe key of every consumer and of JetStream's duplicate window. */
  id: string;
  type: EventType;
  /** ISO-8601 instant the event was made. */
  time: string;
  orderId: number;
  /** W3C traceparent of the span that caused the event, so consumers continue its trace. */
  traceparent?: string;
  data: D;
}

/** What a handler learns about this delivery. */
export interface Delivery {
  /** 1 for the first delivery, higher for redeliveries. */
  attempt: number;
}

export type EventHandler = (event: DomainEvent, delivery: Delivery) => Promise<void>;

export interface SubscribeOptions {
  /** Durable consumer name: one per service and purpose (e.g. `payments`). */
  consumer: string;
  types: readonly EventType[];
  handler: EventHandler;
}

export interface Subscription {
  /** Stops taking new events; events in flight finish (or are redelivered later). */
  stop(): Promise<void>;
}

/** Bus figures the saga metrics report. */
export interface BusObserver {
  /** A delivery with attempt > 1. */
  redelivered?(consumer: string, type: EventType): void;
  /** An event given up after maxDeliver attempts and sent to the dead-letter subject. */
  deadLettered?(consumer: string, type: EventType): void;
  /** Events waiting for this consumer after the one just handled. */
  lag?(consumer: string, pending: number): void;
}

/**
 * The one interface the services publish and consume through: NATS JetStream
 * when NATS_URL is set, in process otherwise. Both give at-least-once
 * delivery with explicit acks, redelivery after a failed or crashed handler,
 * and a dead-letter subject after `maxDeliver` attempts.
 */
export interface EventBus {
  readonly kind: 'jetstream' | 'memory';
  /** Resolves once the event is stored (JetStream's ack); rejects when it is not. */
  publish(event: DomainEvent): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Dead-lettered events so far, for tests and operators. */
  deadLetters(consumer: string): Promise<DomainEvent[]>;
  close(): Promise<void>;
}

export interface BusOptions {
  /** Prefix of every stream and subject, so systems (and test runs) never share one. Default `perflab`. */
  namespace: string;
  /** Attempts before an event is dead-lettered. Default 5. */
  maxDeliver: number;
  /** How long an unacked delivery waits before redelivery, in ms. Default 5000. */
  ackWaitMs: number;
  /** Delay before redelivering an event whose handler threw, in ms. Default 200. */
  retryDelayMs: number;
  observer?: BusObserver;
}
