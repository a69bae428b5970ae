import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentService } from '../../../../target-app/services/shared/instrument-service.js';
import { startSystem, type RunningSystem } from '../../../../target-app/services/system.js';
import { killAllServices, spawnService, type ChildService } from '../helpers/child-service.js';
import { gatewayClient } from '../helpers/client.js';
import { placeOrders } from '../helpers/load.js';
import { realServices, realSetup, type RealSetup } from '../helpers/real-services.js';
import { sagaViolations, stockOf, waitAllTerminal } from '../helpers/saga-invariants.js';
import { SYSTEM_SEED } from '../helpers/system.js';

// Fault test: the inventory worker runs as its own process and is killed
// with SIGKILL mid-load (whatever it was doing is lost: no ack, no commit or a
// commit without its ack), then started again. Its unacked events come back
// after the ack wait (1.5 s here), its dedupe table absorbs the ones it had
// committed, and every order reaches a terminal state within the stated
// bound after the restart: none stuck pending, charged twice, reserved twice
// or lost. On PostgreSQL and JetStream (CI), checked in the databases.

/** The stated bound: every order terminal within this long after the worker is back. */
const TERMINAL_BOUND_MS = 30_000;
const ORDERS = 90;

let setup: RealSetup;
let system: RunningSystem;
const children: ChildService[] = [];

describe.runIf(realServices)('inventory worker killed mid-load (SIGKILL) and restarted', () => {
  beforeAll(async () => {
    setup = await realSetup({}, 30);
    system = await startSystem({
      config: setup.config,
      db: setup.db.db,
      bus: setup.bus,
      only: ['users', 'catalog', 'orders', 'payments', 'gateway'],
      instrument: (name) => instrumentService(name, setup.config.app, { PERFLAB_PROBES: 'off' }),
    });
    children.push(await spawnService('inventory', setup.env));
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(children.map((c) => c.kill('SIGKILL')));
    await killAllServices();
    await system?.close();
    await setup?.close();
  });

  it('loses, doubles and strands nothing', async () => {
    const s = setup.config.schemas;
    const initial = await stockOf(setup.db.db, s);
    const client = gatewayClient(() => system.urls.gateway as string, setup.config.app.seedPassword);
    const tokens = await Promise.all([1, 2, 3].map((n) => client.login(n)));
    const reserved = async () =>
      (
        await setup.db.db.query<{ n: number }>(
          `SELECT count(DISTINCT order_id)::int AS n FROM ${s.catalog}.reservations`,
        )
      ).rows[0]?.n ?? 0;
    let killedAt = -1;
    let restarted = false;
    const load = await placeOrders(client, tokens, {
      total: ORDERS,
      concurrency: 6,
      products: SYSTEM_SEED.products,
      ms: 120_000,
      onPlaced: async (n) => {
        // Kill once the worker is demonstrably busy; restart a third of the load later.
        if (killedAt < 0 && n >= 25 && (await reserved()) > 0) {
          killedAt = n;
          await children[0]?.kill('SIGKILL');
        } else if (killedAt > 0 && !restarted && n >= killedAt + 30) {
          restarted = true;
          children.push(await spawnService('inventory', setup.env));
        }
      },
    });
    if (!restarted) children.push(await spawnService('inventory', setup.env));
    expect(killedAt).toBeGreaterThan(0);
    expect(load.placed).toHaveLength(ORDERS);
    const counts = await waitAllTerminal(setup.db.db, s, TERMINAL_BOUND_MS);
    expect(counts.pending).toBe(0);
    expect(counts.orders).toBe(ORDERS);
    expect(await sagaViolations(setup.db.db, s, initial)).toEqual([]);
    // Each payment.completed reserved once: one processed row per event, never two reservations per order line.
    const { rows } = await setup.db.db.query<{ dup: number }>(
      `SELECT count(*)::int AS dup FROM (SELECT order_id FROM ${s.catalog}.reservations GROUP BY order_id, product_id HAVING count(*) > 1) d`,
    );
    expect(rows[0]?.dup).toBe(0);
    expect(await setup.bus.deadLetters('inventory')).toEqual([]);
  }, 240_000);
});
