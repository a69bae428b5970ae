import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../loadtests/run.js';
import { BUNDLED_SCENARIOS, loadScenario } from '../../../loadtests/scenario-runtime/load-scenario.js';
import { openModel } from '../../loadtests/helpers/scenarios.js';
import { SYSTEM_SEED, startTestSystem, type TestSystem } from './helpers/system.js';

// The bundled scenarios, unchanged, against the services shape (the gateway
// in front), as test/loadtests/bundled-scenarios runs them against the monolith.

let t: TestSystem;

beforeAll(async () => {
  process.env.PERFLAB_SEED_USERS = String(SYSTEM_SEED.users);
  t = await startTestSystem({ stock: 100_000 });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('bundled scenarios against the services shape', () => {
  it.each(Object.keys(BUNDLED_SCENARIOS))('%s runs without errors', async (name) => {
    const scenario = await loadScenario(name);
    const r = await run({
      target: t.system.urls.gateway as string,
      scenario,
      model: openModel(10),
      durationMs: 500,
      scrape: false,
    }).finished;
    const failing = Object.entries(r.endpoints)
      .filter(([, ep]) => ep.errors > 0)
      .map(([step, ep]) => `${step}: ${JSON.stringify(ep.errorsByKind)} ${JSON.stringify(ep.statusCodes)}`);
    expect(failing).toEqual([]);
    expect(r.totals.requests).toBeGreaterThanOrEqual(5);
  });

  it('answers `Prefer: wait=N` once the order is terminal, which checkout-saga times', async () => {
    const token = await t.login(1);
    const placed = await t.request('/api/orders', {
      method: 'POST',
      token,
      body: { items: [{ productId: 1, quantity: 1 }] },
    });
    expect(placed.body.status).toBe('pending');
    const settled = await t.request(`/api/orders/${placed.body.id}`, {
      token,
      headers: { prefer: 'wait=10' },
    });
    expect(settled.status).toBe(200);
    expect(['confirmed', 'failed']).toContain(settled.body.status);
    const step = (await loadScenario('checkout-saga')).flows[0]?.steps.find(
      (st) => st.name === 'orders.settle',
    );
    expect(step?.path).toBe('/api/orders/{{orderId}}');
  });
});
