import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbes } from '../../../probes/index.js';
import { formatSummary } from '../../../loadtests/format/format-summary.js';
import { run } from '../../../loadtests/run.js';
import { BUNDLED_SCENARIOS, loadScenario } from '../../../loadtests/scenario-runtime/load-scenario.js';
import type { TestApp } from '../../helpers/app.js';
import { openModel } from '../helpers/scenarios.js';

// The unit project has no database of its own: embedded PGlite keeps this
// file self-contained (no Docker, no DATABASE_URL).
process.env.PERFLAB_TEST_DB ??= 'pglite';

let app: TestApp;
let shutdown: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const { startTestApp, TEST_SEED } = await import('../../helpers/app.js');
  process.env.PERFLAB_SEED_USERS = String(TEST_SEED.users);
  app = await startTestApp({
    instrumentation: (db) => {
      const probes = createProbes({
        serviceName: 'shop',
        registry: new Registry(),
        logLevel: 'silent',
        memoryIntervalMs: 0,
        // No query on a busy machine takes a minute: the slow-query count below is a certain 0.
        slowQueryMs: 60_000,
      });
      shutdown = () => probes.shutdown();
      return {
        middleware: probes.middleware,
        metricsHandler: probes.metricsHandler,
        db: probes.instrumentDb(db),
      };
    },
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await shutdown?.();
});

describe('bundled scenarios against the real target app', () => {
  it.each(Object.keys(BUNDLED_SCENARIOS))('%s runs without errors', async (name) => {
    const scenario = await loadScenario(name);
    const r = await run({ target: app.url, scenario, model: openModel(20), durationMs: 500, scrape: false })
      .finished;
    const failing = Object.entries(r.endpoints)
      .filter(([, ep]) => ep.errors > 0)
      .map(([step, ep]) => `${step}: ${JSON.stringify(ep.errorsByKind)} ${JSON.stringify(ep.statusCodes)}`);
    expect(failing).toEqual([]);
    expect(r.totals.requests).toBeGreaterThanOrEqual(10);
  });

  it("checkout-saga's poll settles at its first request on the monolith, whose orders are final at once", async () => {
    const scenario = await loadScenario('checkout-saga');
    const r = await run({ target: app.url, scenario, model: openModel(20), durationMs: 300, scrape: false })
      .finished;
    expect(r.totals.errors).toBe(0);
    const settled = r.endpoints['saga.settled'];
    expect(settled?.requests).toBeGreaterThanOrEqual(3);
    expect(settled?.polls).toEqual({ attempts: settled?.requests, max: 1 });
  });

  it('scrapes the app’s /metrics (probes) and matches server routes to steps', async () => {
    const scenario = await loadScenario('browse');
    const r = await run({
      target: app.url,
      scenario,
      model: openModel(30),
      durationMs: 1000,
      scrapeIntervalMs: 300,
    }).finished;
    expect(r.server.reason).toBeUndefined();
    expect(r.server.available).toBe(true);
    const routes = Object.keys(r.server.routes ?? {});
    expect(routes).toContain('GET /api/products');
    expect(routes.some((route) => /^GET \/api\/products\/:\w+$/.test(route))).toBe(true);
    expect(r.server.requests).toBeGreaterThanOrEqual(r.totals.requests);
    expect(r.server.peakRssBytes).toBeGreaterThan(0);
    // The app's queries are instrumented and none was slow: a known 0, not "unknown".
    expect(r.server.slowQueries).toBe(0);
    // The result says which build of the target it measured (GET /api/info).
    expect(r.environment.target).toMatchObject({
      url: app.url,
      version: expect.any(String),
      flags: expect.objectContaining({ n_plus_one: false, missing_index: false }) as unknown,
    });
    expect(r.server.cpuSeconds).toBeGreaterThan(0);
    // The summary puts the server's percentiles beside the step whose request matches the route.
    const row = formatSummary(r)
      .split('\n')
      .find((l) => l.startsWith('products.get'));
    // Server percentiles print as the bound of their histogram bucket: ≤5.00 (or >10000 past the last).
    expect(row).toMatch(/│\s+[≤>][\d.]+\*?\s+[≤>][\d.]+\*?\s+[≤>][\d.]+\*?$/);
  });
});
