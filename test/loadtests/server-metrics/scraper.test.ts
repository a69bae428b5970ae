import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../loadtests/run.js';
import { defineScenario } from '../../../loadtests/scenario-runtime/define-scenario.js';
import { openModel } from '../helpers/scenarios.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function listen(app: express.Express): Promise<string> {
  const s = app.listen(0, '127.0.0.1');
  server = s;
  await new Promise<void>((r) => s.once('listening', () => r()));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** An Express app exposing real prom-client metrics under the probes' names. */
function promApp(): express.Express {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'request duration',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 1],
    registers: [registry],
  });
  const app = express();
  app.get('/api/items/:id', (_req, res) => {
    const end = duration.startTimer({ http_request_method: 'GET', http_route: '/api/items/:id' });
    res.json({ id: 1 });
    end({ http_response_status_code: '200' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return app;
}

const items = defineScenario({
  name: 'items',
  description: 'one route with a parameter',
  flows: [{ name: 'f', steps: [{ name: 'item', path: ({ vu }) => `/api/items/${vu}` }] }],
});

describe('server-side scrape', () => {
  it('computes per-route server percentiles and process figures from prom-client metrics', async () => {
    const target = await listen(promApp());
    const r = await run({
      target,
      scenario: items,
      model: openModel(100),
      durationMs: 1000,
      scrapeIntervalMs: 250,
    }).finished;
    expect(r.server.available).toBe(true);
    expect(r.server.scrapes).toBeGreaterThanOrEqual(3);
    const route = r.server.routes?.['GET /api/items/:id'];
    expect(route?.requests).toBe(r.totals.requests);
    expect(route?.p99).toBeGreaterThan(0);
    expect(route?.p99).toBeLessThanOrEqual(1000);
    expect(r.server.peakRssBytes).toBeGreaterThan(0);
    expect(r.server.peakHeapBytes).toBeGreaterThan(0);
    expect(r.server.cpuSeconds).toBeGreaterThanOrEqual(0);
    expect(r.server.eventLoopLagP99Ms).toBeGreaterThanOrEqual(0);
  });

  it('leaves the warm-up out of the server figures: they cover the measured window', async () => {
    const target = await listen(promApp());
    const r = await run({
      target,
      scenario: items,
      model: openModel(100),
      warmupMs: 1000,
      durationMs: 600,
      scrapeIntervalMs: 200,
    }).finished;
    const server = r.server.routes?.['GET /api/items/:id']?.requests ?? 0;
    // 100 warm-up requests would be counted if the first scrape were taken before the warm-up; a
    // generator running late on a busy machine can still land a few of them after the start scrape.
    expect(server).toBeLessThan(r.totals.requests + 50);
    expect(server).toBeGreaterThanOrEqual(r.totals.requests - 2);
    expect(r.server.window).toBeDefined();
    expect(r.server.series?.length).toBeGreaterThanOrEqual(2);
    expect(r.server.series?.[0]?.second).toBeGreaterThanOrEqual(0);
  });

  it("leaves the closed model's tail out: requests sent after the window are not counted", async () => {
    const app = promApp();
    const target = await listen(app);
    const r = await run({
      target,
      scenario: items,
      model: { kind: 'closed', connections: 2 },
      durationMs: 1000,
      scrapeIntervalMs: 500,
    }).finished;
    const server = r.server.routes?.['GET /api/items/:id']?.requests ?? 0;
    expect(server).toBeLessThanOrEqual(r.totals.requests + 2);
    expect(server).toBeGreaterThanOrEqual(r.totals.requests - 2);
  });

  it('runs on without server figures, saying why, when /metrics is unparsable', async () => {
    const app = express();
    app.get('/api/items/:id', (_req, res) => void res.json({}));
    app.get('/metrics', (_req, res) => void res.send('<html>this is not prometheus</html>'));
    const target = await listen(app);
    const r = await run({ target, scenario: items, model: openModel(50), durationMs: 400 }).finished;
    expect(r.totals.requests).toBe(20);
    expect(r.server.available).toBe(false);
    expect(r.server.reason).toMatch(/unparsable \/metrics: line 1/);
  });

  it('says so when the target has no /metrics', async () => {
    const app = express();
    app.get('/api/items/:id', (_req, res) => void res.json({}));
    const target = await listen(app);
    const r = await run({ target, scenario: items, model: openModel(50), durationMs: 200 }).finished;
    expect(r.server).toEqual({
      available: false,
      reason: 'no server-side figures: /metrics answered 404',
      scrapes: 0,
    });
  });
});
