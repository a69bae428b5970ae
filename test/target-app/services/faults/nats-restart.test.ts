import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentService } from '../../../../target-app/services/shared/instrument-service.js';
import { startSystem, type RunningSystem } from '../../../../target-app/services/system.js';
import { gatewayClient } from '../helpers/client.js';
import { placeOrders } from '../helpers/load.js';
import { canRestartNats, startNats, stopNats } from '../helpers/nats-server.js';
import { realServices, realSetup, type RealSetup } from '../helpers/real-services.js';
import { sagaViolations, stockOf, waitAllTerminal } from '../helpers/saga-invariants.js';
import { SYSTEM_SEED } from '../helpers/system.js';

// Fault test: the NATS server is stopped (kill of its pid) mid-load and
// started again with the machine's command. Orders keep being accepted while
// it is away (the outbox holds their events), the relays publish once it is
// back, the durable consumers resume, and no event is lost: every order ends
// terminal, every outbox row is published, and the saga's invariants hold.
// The streams are file-backed and named for this test alone.

const TERMINAL_BOUND_MS = 60_000;
const ORDERS = 90;

let setup: RealSetup;
let system: RunningSystem;

describe.runIf(realServices && canRestartNats)('NATS server restarted mid-load', () => {
  beforeAll(async () => {
    setup = await realSetup({ PAYMENT_FAILURE_RATE: '0.2' }, 30);
    system = await startSystem({
      config: setup.config,
      db: setup.db.db,
      bus: setup.bus,
      instrument: (name) => instrumentService(name, setup.config.app, { PERFLAB_PROBES: 'off' }),
    });
  }, 120_000);

  afterAll(async () => {
    // Whatever happened, NATS runs again for everything after this file.
    await startNats();
    await system?.close();
    await setup?.close();
  });

  it('loses no event', async () => {
    const s = setup.config.schemas;
    const initial = await stockOf(setup.db.db, s);
    const client = gatewayClient(() => system.urls.gateway as string, setup.config.app.seedPassword);
    const tokens = await Promise.all([1, 2, 3].map((n) => client.login(n)));
    let stoppedAt = -1;
    let started = false;
    // Workers place orders concurrently: the restart waits for the stop to be done.
    let stopping: Promise<void> = Promise.resolve();
    const load = await placeOrders(client, tokens, {
      total: ORDERS,
      concurrency: 6,
      products: SYSTEM_SEED.products,
      ms: 120_000,
      onPlaced: async (n) => {
        if (stoppedAt < 0 && n >= 20) {
          stoppedAt = n;
          stopping = stopNats();
          await stopping;
        } else if (stoppedAt > 0 && !started && n >= stoppedAt + 10) {
          started = true;
          await stopping;
          await startNats();
        }
      },
    });
    if (!started) {
      await stopping;
      await startNats();
    }
    // Orders were accepted while NATS was away: the outbox made that safe.
    expect(load.placed).toHaveLength(ORDERS);
    const counts = await waitAllTerminal(setup.db.db, s, TERMINAL_BOUND_MS);
    expect(counts.orders).toBe(ORDERS);
    expect(await sagaViolations(setup.db.db, s, initial)).toEqual([]);
    for (const schema of [s.orders, s.payments, s.catalog]) {
      const { rows } = await setup.db.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE published_at IS NULL`,
      );
      expect(rows[0]?.n, `unpublished events in ${schema}`).toBe(0);
    }
    for (const consumer of ['payments', 'inventory', 'orders', 'payments-refunds'])
      expect(await setup.bus.deadLetters(consumer)).toEqual([]);
  }, 240_000);
});
