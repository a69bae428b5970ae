import { busOptions, checkConsumerName } from './event.js';
import type { BusOptions, DomainEvent, EventBus, EventHandler, EventType, Subscription } from './types.js';

interface Pending {
  event: DomainEvent;
  attempt: number;
}

/** A durable consumer kept in memory: survives stop() and a later subscribe() under its name. */
interface Durable {
  types: ReadonlySet<EventType>;
  queue: Pending[];
  handler: EventHandler | undefined;
  running: Promise<void> | undefined;
}

/**
 * The in-process bus (no NATS_URL): the same contract as JetStream, within
 * one process. Each durable consumer gets every event of its types from the
 * first publish on (deliver-all), one at a time and in order; a handler that
 * throws is retried after `retryDelayMs` and dead-lettered after
 * `maxDeliver` attempts. Nothing survives the process, which is what
 * JetStream is for.
 */
export function createMemoryBus(options: Partial<BusOptions> = {}): EventBus {
  const o = busOptions(options);
  const log: DomainEvent[] = [];
  const durables = new Map<string, Durable>();
  const dead = new Map<string, DomainEvent[]>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const pump = (name: string, d: Durable): void => {
    if (d.running || !d.handler || closed) return;
    d.running = (async () => {
      while (d.handler && d.queue.length > 0 && !closed) {
        const next = d.queue.shift() as Pending;
        if (next.attempt > 1) o.observer?.redelivered?.(name, next.event.type);
        try {
          await d.handler(next.event, { attempt: next.attempt });
          o.observer?.lag?.(name, d.queue.length);
        } catch {
          if (next.attempt >= o.maxDeliver) {
            dead.set(name, [...(dead.get(name) ?? []), next.event]);
            o.observer?.deadLettered?.(name, next.event.type);
          } else {
            const timer = setTimeout(() => {
              timers.delete(timer);
              d.queue.push({ event: next.event, attempt: next.attempt + 1 });
              pump(name, d);
            }, o.retryDelayMs);
            timers.add(timer);
          }
        }
      }
    })().finally(() => {
      d.running = undefined;
      // An event may have arrived while the loop was finishing.
      if (d.handler && d.queue.length > 0) pump(name, d);
    });
  };

  return {
    kind: 'memory',
    async publish(event) {
      if (closed) throw new Error('the bus is closed');
      // A copy, as a broker would hand over: consumers never share the producer's object.
      const stored = structuredClone(event);
      log.push(stored);
      for (const [name, d] of durables) {
        if (!d.types.has(stored.type)) continue;
        d.queue.push({ event: structuredClone(stored), attempt: 1 });
        pump(name, d);
      }
    },
    async subscribe({ consumer, types, handler }): Promise<Subscription> {
      checkConsumerName(consumer);
      let d = durables.get(consumer);
      if (!d) {
        const wanted = new Set(types);
        d = {
          types: wanted,
          queue: log.filter((e) => wanted.has(e.type)).map((event) => ({ event, attempt: 1 })),
          handler: undefined,
          running: undefined,
        };
        durables.set(consumer, d);
      }
      if (d.handler) throw new Error(`consumer ${consumer} already has a subscriber in this process`);
      const durable = d;
      durable.handler = handler;
      pump(consumer, durable);
      return {
        async stop() {
          durable.handler = undefined;
          await durable.running;
        },
      };
    },
    async deadLetters(consumer) {
      return [...(dead.get(consumer) ?? [])];
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([...durables.values()].map((d) => d.running));
    },
  };
}
