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

  it('checkout-saga times each order to its terminal state', async () => {
    const r = await run({
      target: t.system.urls.gateway as string,
      scenario: await loadScenario('checkout-saga'),
      model: openModel(5),
      durationMs: 600,
      scrape: false,
    }).finished;
    const settle = r.endpoints['orders.settle'];
    expect(settle?.errors).toBe(0);
    expect(settle?.requests).toBeGreaterThan(0);
    // Every settle answered with a terminal order (its check), one per order placed.
    expect(settle?.requests).toBeLessThanOrEqual(r.endpoints['orders.create']?.requests ?? 0);
  });
});
