import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary } from '../../../loadtests/format/format-summary.js';
import { run } from '../../../loadtests/run.js';
import type { Scenario } from '../../../loadtests/types.js';
import { POLL_CHECK } from '../../../loadtests/scenario-runtime/poll.js';
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

/** Half a second at 10 flows/s through the gateway. */
const runBriefly = (scenario: Scenario) =>
  run({
    target: t.system.urls.gateway as string,
    scenario,
    model: openModel(10),
    durationMs: 500,
    scrape: false,
  }).finished;

describe('bundled scenarios against the services shape', () => {
  it.each(Object.keys(BUNDLED_SCENARIOS))('%s runs without errors', async (name) => {
    const scenario = await loadScenario(name);
    const r = await runBriefly(scenario);
    const failing = Object.entries(r.endpoints)
      .filter(([, ep]) => ep.errors > 0)
      .map(([step, ep]) => `${step}: ${JSON.stringify(ep.errorsByKind)} ${JSON.stringify(ep.statusCodes)}`);
    expect(failing).toEqual([]);
    expect(r.totals.requests).toBeGreaterThanOrEqual(5);
  });

  it('checkout-saga reports the time to a terminal order, polled, beside the HTTP latency of the create', async () => {
    const scenario = await loadScenario('checkout-saga');
    const r = await runBriefly(scenario);
    expect(r.totals.errors).toBe(0);
    const settled = r.endpoints['saga.settled'];
    const created = r.endpoints['orders.create'];
    // Every order created in the window reached confirmed or failed within the poll's bound,
    // except those whose poll the end of the window cut off: at most the flows then in flight.
    const cutOff = (created?.requests ?? 0) - (settled?.requests ?? 0);
    expect(cutOff).toBeGreaterThanOrEqual(0);
    expect(cutOff).toBeLessThanOrEqual(r.generator.maxInFlight);
    expect(settled?.requests).toBeGreaterThanOrEqual(3);
    expect(settled?.checks?.[POLL_CHECK]).toEqual({ passes: settled?.requests, fails: 0 });
    const poll = scenario.flows[0]?.steps.find((st) => st.name === 'saga.settled')?.poll;
    expect(poll).toMatchObject({ intervalMs: 50, maxAttempts: 200 });
    const bound = (poll?.intervalMs ?? 0) * (poll?.maxAttempts ?? 0);
    expect(settled?.latency.min).toBeGreaterThan(0);
    expect(settled?.latency.max).toBeLessThan(bound);
    // At least one request per order; more when the saga had not settled it at the first.
    expect(settled?.polls?.attempts).toBeGreaterThanOrEqual(settled?.requests ?? Infinity);
    expect(settled?.polls?.max).toBeLessThanOrEqual(poll?.maxAttempts ?? 0);
    expect(formatSummary(r)).toContain('saga.settled polls until its condition: latency is the time to it;');
  });

  it('answers `Prefer: wait=N` once the order is terminal (a long poll, for clients without a loop)', async () => {
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
  });
});
