import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PerflabError } from '../../../common/perflab-error.js';
import { EVENT_TYPES, type BusOptions, type DomainEvent, type EventType } from './types.js';

export const BUS_DEFAULTS = {
  namespace: 'perflab',
  maxDeliver: 5,
  ackWaitMs: 5_000,
  retryDelayMs: 200,
} as const;

const NAMESPACE = /^[A-Za-z0-9_-]{1,40}$/;
const CONSUMER = /^[A-Za-z0-9_-]{1,60}$/;

/** Domain (and stream) of an event type: `payment.failed` belongs to `payments`. */
export const DOMAINS = { order: 'orders', payment: 'payments', inventory: 'inventory' } as const;
export type Domain = (typeof DOMAINS)[keyof typeof DOMAINS];

export function domainOf(type: EventType): Domain {
  return DOMAINS[type.slice(0, type.indexOf('.')) as keyof typeof DOMAINS];
}

/** `perflab.payments.failed`: namespace, domain, then the event's verb. */
export function subjectOf(namespace: string, type: EventType): string {
  return `${namespace}.${domainOf(type)}.${type.slice(type.indexOf('.') + 1)}`;
}

export const deadLetterSubject = (namespace: string, consumer: string): string =>
  `${namespace}.deadletter.${consumer}`;

export function makeEvent<D extends Record<string, unknown>>(
  type: EventType,
  orderId: number,
  data: D,
  traceparent?: string,
): DomainEvent<D> {
  return {
    id: randomUUID(),
    type,
    time: new Date().toISOString(),
    orderId,
    ...(traceparent ? { traceparent } : {}),
    data,
  };
}

const eventSchema = z.object({
  id: z.uuid(),
  type: z.enum(EVENT_TYPES),
  time: z.iso.datetime(),
  orderId: z.number().int().positive(),
  traceparent: z.string().max(100).optional(),
  data: z.record(z.string(), z.unknown()),
});

/** Parses a message body; undefined for anything that is not one of our events (it is dead-lettered). */
export function decodeEvent(bytes: Uint8Array): DomainEvent | undefined {
  try {
    const parsed = eventSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const encodeEvent = (event: DomainEvent): Uint8Array => Buffer.from(JSON.stringify(event));

/** Fills defaults and fails fast on a bad option, naming it. */
export function busOptions(options: Partial<BusOptions> = {}): BusOptions {
  const o = { ...BUS_DEFAULTS, ...options };
  const bad = (name: string, expected: string, got: unknown) =>
    new PerflabError('PERFLAB_E_BUS_OPTION', `bus option "${name}" must be ${expected}, got ${String(got)}`);
  if (!NAMESPACE.test(o.namespace)) throw bad('namespace', 'letters, digits, "_" or "-" (1-40)', o.namespace);
  if (!Number.isInteger(o.maxDeliver) || o.maxDeliver < 1 || o.maxDeliver > 100)
    throw bad('maxDeliver', 'an integer 1-100', o.maxDeliver);
  if (!Number.isInteger(o.ackWaitMs) || o.ackWaitMs < 100)
    throw bad('ackWaitMs', 'an integer >= 100', o.ackWaitMs);
  if (!Number.isInteger(o.retryDelayMs) || o.retryDelayMs < 0)
    throw bad('retryDelayMs', 'an integer >= 0', o.retryDelayMs);
  return o;
}

export function checkConsumerName(name: string): void {
  if (!CONSUMER.test(name))
    throw new PerflabError(
      'PERFLAB_E_BUS_OPTION',
      `consumer name must be letters, digits, "_" or "-" (1-60), got ${JSON.stringify(name)}`,
    );
}
