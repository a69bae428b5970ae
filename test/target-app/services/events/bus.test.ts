import { afterEach, describe, expect, it } from 'vitest';
import { makeEvent } from '../../../../target-app/services/events/event.js';
import { createMemoryBus } from '../../../../target-app/services/events/memory-bus.js';
import type { DomainEvent, EventBus } from '../../../../target-app/services/events/types.js';
import { Condition, openTestBus, testBusUrl } from '../helpers/bus.js';

const backend = testBusUrl() ? 'jetstream' : 'memory';
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const buses: EventBus[] = [];

async function bus(options: Parameters<typeof openTestBus>[0] = {}) {
  const b = await openTestBus(options);
  buses.push(b);
  return b;
}

afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});

describe(`event bus (${backend})`, () => {
  it('is the backend this project asks for', async () => {
    expect((await bus()).kind).toBe(backend);
  });

  it('delivers every event of its types to each durable consumer, in order, intact', async () => {
    const b = await bus();
    const seen = new Map<string, DomainEvent[]>();
    const changed = new Condition();
    for (const consumer of ['payments', 'audit']) {
      seen.set(consumer, []);
      await b.subscribe({
        consumer,
        types: ['order.created'],
        handler: async (e) => {
          seen.get(consumer)?.push(e);
          changed.signal();
        },
      });
    }
    const sent = [1, 2, 3].map((n) => makeEvent('order.created', n, { n }, TRACEPARENT));
    // Another type on the same stream is not delivered to these consumers.
    await b.publish(makeEvent('payment.completed', 9, {}));
    for (const e of sent) await b.publish(e);
    await changed.until(() => [...seen.values()].every((l) => l.length >= 3), 20_000, 'three events each');
    for (const list of seen.values()) expect(list).toEqual(sent);
    expect(sent[0]).toMatchObject({ type: 'order.created', orderId: 1, traceparent: TRACEPARENT });
    expect(Date.parse(sent[0]!.time)).not.toBeNaN();
  });

  it('redelivers an event whose handler failed, counting the attempt', async () => {
    const redeliveries: string[] = [];
    const b = await bus({ observer: { redelivered: (c) => redeliveries.push(c) } });
    const attempts: number[] = [];
    const done = new Condition();
    await b.subscribe({
      consumer: 'inventory',
      types: ['payment.completed'],
      handler: async (_e, d) => {
        attempts.push(d.attempt);
        done.signal();
        if (d.attempt < 3) throw new Error('transient');
      },
    });
    await b.publish(makeEvent('payment.completed', 5, {}));
    await done.until(() => attempts.length === 3, 20_000, 'three attempts');
    expect(attempts).toEqual([1, 2, 3]);
    expect(redeliveries).toEqual(['inventory', 'inventory']);
    expect(await b.deadLetters('inventory')).toEqual([]);
  });

  it('dead-letters an event after maxDeliver failed attempts and moves on', async () => {
    const dead: string[] = [];
    const b = await bus({ maxDeliver: 3, observer: { deadLettered: (c, t) => dead.push(`${c}:${t}`) } });
    const handled: number[] = [];
    const changed = new Condition();
    await b.subscribe({
      consumer: 'orders',
      types: ['inventory.failed', 'inventory.reserved'],
      handler: async (e) => {
        if (e.orderId === 1) throw new Error('poison');
        handled.push(e.orderId);
        changed.signal();
      },
    });
    const poison = makeEvent('inventory.failed', 1, {});
    await b.publish(poison);
    await b.publish(makeEvent('inventory.reserved', 2, {}));
    await changed.until(() => handled.includes(2), 20_000, 'the next event');
    const deadline = Date.now() + 20_000;
    let letters: DomainEvent[] = [];
    while (letters.length === 0 && Date.now() < deadline) {
      letters = await b.deadLetters('orders');
      if (letters.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(letters).toEqual([poison]);
    expect(dead).toEqual(['orders:inventory.failed']);
  });

  it('keeps a durable consumer’s place across stop and subscribe: nothing lost, nothing acked comes back', async () => {
    const b = await bus();
    const got: number[] = [];
    const changed = new Condition();
    const handler = async (e: DomainEvent) => {
      got.push(e.orderId);
      changed.signal();
    };
    const sub = await b.subscribe({ consumer: 'payments', types: ['order.created'], handler });
    await b.publish(makeEvent('order.created', 1, {}));
    await changed.until(() => got.length === 1);
    await sub.stop();
    await b.publish(makeEvent('order.created', 2, {}));
    await b.publish(makeEvent('order.created', 3, {}));
    await b.subscribe({ consumer: 'payments', types: ['order.created'], handler });
    await changed.until(() => got.length >= 3, 20_000, 'the events published while stopped');
    expect(got).toEqual([1, 2, 3]);
  });

  it('refuses bad options with a coded error naming the option', () => {
    expect(() => createMemoryBus({ namespace: 'a.b' })).toThrow(/namespace/);
    expect(() => createMemoryBus({ maxDeliver: 0 })).toThrow(
      expect.objectContaining({ code: 'PERFLAB_E_BUS_OPTION' }),
    );
  });
});
