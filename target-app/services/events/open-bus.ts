import { createJetStreamBus } from './jetstream-bus.js';
import { createMemoryBus } from './memory-bus.js';
import type { BusOptions, EventBus } from './types.js';

/** JetStream when a NATS URL is given, the in-process bus otherwise (the embedded default). */
export async function openBus(
  natsUrl: string | undefined,
  options: Partial<BusOptions> & { name?: string } = {},
): Promise<EventBus> {
  return natsUrl ? createJetStreamBus(natsUrl, options) : createMemoryBus(options);
}
