import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { openBus } from '../../../../target-app/services/events/open-bus.js';
import type { BusOptions, EventBus } from '../../../../target-app/services/events/types.js';

/**
 * The bus for one test: JetStream when NATS_URL is set and the file runs in
 * the api-postgres project (CI sets both), in process otherwise (the
 * api-embedded project), so the same tests cover both. Each call gets a
 * namespace of its own: tests never share a stream or subject.
 */
export function testBusUrl(): string | undefined {
  return process.env.PERFLAB_TEST_DB === 'pglite' ? undefined : process.env.NATS_URL;
}

export const testNamespace = (): string => `t${randomBytes(5).toString('hex')}`;

export async function openTestBus(options: Partial<BusOptions> = {}): Promise<EventBus> {
  const namespace = options.namespace ?? testNamespace();
  const bus = await openBus(testBusUrl(), { ackWaitMs: 2_000, retryDelayMs: 20, ...options, namespace });
  return withCleanup(bus, testBusUrl(), namespace);
}

/** The bus, whose close() also deletes the namespace's streams from the shared NATS server. */
export function withCleanup(bus: EventBus, url: string | undefined, namespace: string): EventBus {
  return {
    kind: bus.kind,
    publish: (e) => bus.publish(e),
    subscribe: (o) => bus.subscribe(o),
    deadLetters: (c) => bus.deadLetters(c),
    async close() {
      await bus.close();
      if (url) await dropNamespace(url, namespace);
    },
  };
}

/** Deletes every stream of a test namespace; streams are file-backed and would outlive the run. */
export async function dropNamespace(url: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`${namespace}_`)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}

/** Resolves when `test` is true, checking after every `signal()`; rejects after `ms`. */
export class Condition {
  private waiters: Array<() => void> = [];
  signal(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  async until(test: () => boolean, ms = 20_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1_000));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
