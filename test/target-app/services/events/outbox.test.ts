import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../../target-app/db/types.js';
import { EVENT_TABLES, OUTBOX_SEQUENCE } from '../../../../target-app/services/events/event-tables.js';
import { makeEvent } from '../../../../target-app/services/events/event.js';
import { addToOutbox, startRelay, type Relay } from '../../../../target-app/services/events/outbox.js';
import type { DomainEvent } from '../../../../target-app/services/events/types.js';
import { Condition, openTestBus, testBusUrl } from '../helpers/bus.js';
import { ControlledBus, eventually, migratedSchema } from '../helpers/outbox-harness.js';

// The outbox relay on its own, against the project's database and bus
// (PostgreSQL + JetStream in api-postgres, PGlite + the in-process bus in
// api-embedded), with a bus in front that the test can hold or take down.

const backend = testBusUrl() ? 'jetstream' : 'memory';
const WAIT_MS = 15_000;
/** Far longer than any wait here: whatever is published came from notify(), not the poll. */
const NO_POLL_MS = 600_000;

let db: Db;
let schema: string;
let close: () => Promise<void>;
let bus: ControlledBus;
let relay: Relay | undefined;

beforeAll(async () => {
  ({ db, schema, close } = await migratedSchema([EVENT_TABLES, OUTBOX_SEQUENCE]));
}, 60_000);

afterAll(async () => {
  await close?.();
});

beforeEach(async () => {
  await db.query(`DELETE FROM ${schema}.outbox`);
  bus = new ControlledBus(await openTestBus());
});

afterEach(async () => {
  // A relay stuck in a held publish would never stop.
  bus.release();
  await relay?.stop();
  relay = undefined;
  await bus.close();
});

function logSink() {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

const WARN = 40;

/** Commits each event in a transaction of its own, one after the other. */
async function commit(count: number, from = 1): Promise<DomainEvent[]> {
  const events: DomainEvent[] = [];
  for (let i = 0; i < count; i++) {
    const event = makeEvent('order.created', from + i, { n: from + i });
    await db.transaction((tx) => addToOutbox(tx, schema, event));
    events.push(event);
  }
  return events;
}

/** Commits an event as addToOutbox would, but stamped `createdAt` (a clock that ticks coarsely or steps back). */
async function commitAt(createdAt: string, orderId: number): Promise<DomainEvent> {
  const event = makeEvent('order.created', orderId, { n: orderId });
  await db.query(
    `INSERT INTO ${schema}.outbox (id, type, order_id, payload, created_at) VALUES ($1, $2, $3, $4, $5)`,
    [event.id, event.type, event.orderId, JSON.stringify(event), createdAt],
  );
  return event;
}

async function rows() {
  const { rows: all } = await db.query<{ id: string; published: boolean; after_commit: boolean }>(
    `SELECT id, published_at IS NOT NULL AS published, published_at >= created_at AS after_commit
       FROM ${schema}.outbox ORDER BY seq`,
  );
  return all;
}

/** 'settled' when `promise` settles within `ms`, else 'hung'. */
async function within(promise: Promise<unknown>, ms: number): Promise<'settled' | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), ms);
  });
  try {
    return await Promise.race([promise.then(() => 'settled' as const), bound]);
  } finally {
    clearTimeout(timer);
  }
}

const ids = (events: DomainEvent[]) => events.map((e) => e.id);

/** Every committed event was stored by the bus once, in commit order, and its row marked after it was committed. */
async function expectPublishedInOrder(committed: DomainEvent[]): Promise<void> {
  expect(ids(bus.stored)).toEqual(ids(committed));
  expect(await rows()).toEqual(ids(committed).map((id) => ({ id, published: true, after_commit: true })));
}

describe(`outbox relay (${backend})`, () => {
  it('publishes committed rows in commit order across batches, and marks every one', async () => {
    const early = await commit(5);
    relay = startRelay({ db, schema, bus, logger: logSink().logger, batchSize: 2, pollMs: NO_POLL_MS });
    const late = await commit(3, 6);
    relay.notify();

    await eventually(async () => (await relay?.pending()) === 0, WAIT_MS, 'an empty outbox');
    expect(bus.attempts).toBe(8);
    await expectPublishedInOrder([...early, ...late]);
  });

  it('keeps commit order when the clock does not: rows in one tick, and a clock stepped back', async () => {
    const committed: DomainEvent[] = [];
    for (let i = 1; i <= 6; i++) committed.push(await commitAt('2030-01-01T00:00:00.000Z', i));
    committed.push(await commitAt('2029-12-31T23:59:59.000Z', 7));
    relay = startRelay({ db, schema, bus, logger: logSink().logger, batchSize: 3, pollMs: NO_POLL_MS });

    await eventually(async () => (await relay?.pending()) === 0, WAIT_MS, 'an empty outbox');
    expect(ids(bus.stored)).toEqual(ids(committed));
  });

  it('marks a row published only once the bus has stored it', async () => {
    bus.hold();
    const [event] = await commit(1);
    relay = startRelay({ db, schema, bus, logger: logSink().logger, pollMs: NO_POLL_MS });
    await bus.changed.until(() => bus.attempts === 1, WAIT_MS, 'the relay to publish');

    // The bus has the event in hand but has not stored it.
    expect(bus.stored).toEqual([]);
    expect(await relay.pending()).toBe(1);
    expect(await rows()).toEqual([{ id: event?.id, published: false, after_commit: null }]);

    bus.release();
    await eventually(async () => (await relay?.pending()) === 0, WAIT_MS, 'the row to be marked');
    expect(ids(bus.stored)).toEqual([event?.id]);
    expect(await rows()).toEqual([{ id: event?.id, published: true, after_commit: true }]);
  });

  it('publishes on notify() without waiting for the next poll', async () => {
    const first = await commit(1);
    relay = startRelay({ db, schema, bus, logger: logSink().logger, pollMs: NO_POLL_MS });
    // Its first round is done once the row is marked; then it sleeps for NO_POLL_MS.
    await eventually(async () => (await relay?.pending()) === 0, WAIT_MS, 'the first round');
    const events = await commit(2, 2);
    relay.notify();

    await eventually(async () => (await relay?.pending()) === 0, WAIT_MS, 'both rows marked');
    await expectPublishedInOrder([...first, ...events]);
  });

  it('keeps rows while the bus fails, warns once, then publishes and marks all of them once it is back', async () => {
    const { lines, logger } = logSink();
    const received = new Set<string>();
    const arrived = new Condition();
    await bus.subscribe({
      consumer: 'audit',
      types: ['order.created'],
      handler: async (e) => {
        received.add(e.id);
        arrived.signal();
      },
    });
    bus.down = true;
    const events = await commit(4);
    relay = startRelay({ db, schema, bus, logger, pollMs: 20 });

    // Several rounds fail (one attempt each: the first row fails the round).
    await bus.changed.until(() => bus.attempts >= 4, WAIT_MS, 'four failed rounds');
    expect(await relay.pending()).toBe(4);
    expect(bus.stored).toEqual([]);
    const warnings = () => lines.filter((l) => l.level >= WARN);
    expect(warnings()).toEqual([
      expect.objectContaining({
        msg: 'outbox relay cannot publish; will retry',
        err: expect.objectContaining({ message: 'bus unavailable' }),
      }),
    ]);

    // Committed while the bus is still away: kept too.
    events.push(...(await commit(2, 5)));
    bus.down = false;
    relay.notify();

    await eventually(async () => (await relay?.pending()) === 0, WAIT_MS, 'the outbox to drain');
    await expectPublishedInOrder(events);
    expect(warnings()).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'outbox relay publishing again')).toHaveLength(1);
    await arrived.until(() => received.size === events.length, WAIT_MS, 'every event delivered');
    expect([...received].sort()).toEqual(ids(events).sort());
  });

  it('stop() resolves promptly while the relay sleeps, and while the bus is failing', async () => {
    relay = startRelay({ db, schema, bus, logger: logSink().logger, pollMs: NO_POLL_MS });
    await eventually(async () => (await relay?.pending()) === 0, WAIT_MS, 'the first round');
    expect(await within(relay.stop(), 2_000)).toBe('settled');

    bus.down = true;
    await commit(1);
    relay = startRelay({ db, schema, bus, logger: logSink().logger, pollMs: 20 });
    await bus.changed.until(() => bus.attempts >= 2, WAIT_MS, 'failed rounds');
    expect(await within(relay.stop(), 2_000)).toBe('settled');
    expect(await rows()).toEqual([expect.objectContaining({ published: false })]);
  });
});
