import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  StorageType,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect, headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import { PerflabError } from '../../../common/perflab-error.js';
import {
  busOptions,
  checkConsumerName,
  deadLetterSubject,
  decodeEvent,
  DOMAINS,
  domainOf,
  encodeEvent,
  subjectOf,
} from './event.js';
import type { BusOptions, DomainEvent, EventBus, EventHandler, Subscription } from './types.js';

/** JetStream drops a re-published event id seen within this window (the outbox relay may publish twice). */
const DUPLICATE_WINDOW_MS = 2 * 60_000;
const PUBLISH_TIMEOUT_MS = 5_000;
const DEAD_LETTER_DOMAIN = 'deadletter';

const streamName = (namespace: string, domain: string): string => `${namespace}_${domain}`;

/**
 * The event bus on NATS JetStream: one file-backed stream per domain
 * (`<ns>_orders`, `<ns>_payments`, `<ns>_inventory`) plus `<ns>_deadletter`,
 * one durable pull consumer per service and stream with explicit acks. The
 * client reconnects for ever, so a NATS restart only delays delivery: the
 * streams and consumers are on disk, unacked events come back after
 * `ackWaitMs`, and `publish` rejects (the outbox keeps the event) while the
 * server is away.
 */
export async function createJetStreamBus(
  url: string,
  options: Partial<BusOptions> & { name?: string } = {},
): Promise<EventBus> {
  const o = busOptions(options);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url,
      name: options.name ?? 'perflab',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
  } catch (err) {
    throw new PerflabError(
      'PERFLAB_E_BUS_UNAVAILABLE',
      `NATS_URL is set but NATS does not answer at ${url}`,
      {
        cause: err,
      },
    );
  }
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const domains = [...new Set(Object.values(DOMAINS)), DEAD_LETTER_DOMAIN];
  for (const domain of domains)
    await ensureStream(jsm, streamName(o.namespace, domain), `${o.namespace}.${domain}.>`);
  const loops = new Set<Promise<void>>();

  const deadLetter = async (consumer: string, msg: JsMsg, reason: string) => {
    const h = headers();
    h.set('perflab-reason', reason.slice(0, 200));
    await js.publish(deadLetterSubject(o.namespace, consumer), msg.data, {
      msgID: `${consumer}:${msg.info.stream}:${msg.info.streamSequence}`,
      headers: h,
      timeout: PUBLISH_TIMEOUT_MS,
    });
    msg.term(reason.slice(0, 200));
    const event = decodeEvent(msg.data);
    if (event) o.observer?.deadLettered?.(consumer, event.type);
  };

  const handle = async (consumer: string, handler: EventHandler, msg: JsMsg) => {
    const attempt = msg.info.deliveryCount;
    const event = decodeEvent(msg.data);
    if (!event) return deadLetter(consumer, msg, 'not an event');
    if (attempt > 1) o.observer?.redelivered?.(consumer, event.type);
    // The server delivers once more than maxDeliver, so a handler that crashed the
    // process on its last attempt still ends in the dead-letter stream, not nowhere.
    if (attempt > o.maxDeliver) return deadLetter(consumer, msg, `gave up after ${o.maxDeliver} attempts`);
    try {
      await handler(event, { attempt });
    } catch (err) {
      if (attempt >= o.maxDeliver)
        return deadLetter(consumer, msg, (err as Error).message ?? 'handler failed');
      msg.nak(o.retryDelayMs);
      return;
    }
    msg.ack();
    o.observer?.lag?.(consumer, msg.info.pending);
  };

  return {
    kind: 'jetstream',
    async publish(event) {
      const h = headers();
      // Our consumers read the event's own traceparent (the one carrier on both
      // buses, and what the outbox stores); the header is for NATS tools and
      // outside consumers instrumented with OpenTelemetry.
      if (event.traceparent) h.set('traceparent', event.traceparent);
      await js.publish(subjectOf(o.namespace, event.type), encodeEvent(event), {
        msgID: event.id,
        headers: h,
        timeout: PUBLISH_TIMEOUT_MS,
      });
    },
    async subscribe({ consumer, types, handler }): Promise<Subscription> {
      checkConsumerName(consumer);
      const iterators: ConsumerMessages[] = [];
      const mine: Promise<void>[] = [];
      // One durable per event type, each with a single filter subject: servers
      // before 2.10 (Debian 12 ships 2.9) have no filter_subjects.
      for (const type of types) {
        const stream = streamName(o.namespace, domainOf(type));
        const durable = `${consumer}_${type.replace('.', '_')}`;
        await ensureConsumer(jsm, stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          filter_subject: subjectOf(o.namespace, type),
          max_deliver: o.maxDeliver + 1,
          ack_wait: nanos(o.ackWaitMs),
        });
        const messages = await (await js.consumers.get(stream, durable)).consume({ max_messages: 64 });
        iterators.push(messages);
        const loop = (async () => {
          for await (const msg of messages) await handle(consumer, handler, msg);
        })();
        loops.add(loop);
        mine.push(loop);
        void loop.finally(() => loops.delete(loop));
      }
      return {
        async stop() {
          for (const it of iterators) it.stop();
          await Promise.allSettled(mine);
        },
      };
    },
    async deadLetters(consumer) {
      const out: DomainEvent[] = [];
      const c = await js.consumers.get(streamName(o.namespace, DEAD_LETTER_DOMAIN), {
        filter_subjects: deadLetterSubject(o.namespace, consumer),
      });
      const info = await c.info(true);
      let left = info.num_pending;
      while (left > 0) {
        const batch = await c.fetch({ max_messages: Math.min(left, 256), expires: 2_000 });
        let got = 0;
        for await (const m of batch) {
          got++;
          const e = decodeEvent(m.data);
          if (e) out.push(e);
        }
        if (got === 0) break;
        left -= got;
      }
      return out;
    },
    async close() {
      await nc.drain().catch(() => nc.close());
      await Promise.allSettled([...loops]);
    },
  };
}

async function ensureStream(jsm: JetStreamManager, name: string, subject: string): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch {
    await jsm.streams.add({
      name,
      subjects: [subject],
      storage: StorageType.File,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
  }
}

async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  const exists = await jsm.consumers.info(stream, config.durable_name).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await jsm.consumers.add(stream, config);
    return;
  }
  await jsm.consumers.update(stream, config.durable_name, {
    max_deliver: config.max_deliver,
    ack_wait: config.ack_wait,
  });
}
