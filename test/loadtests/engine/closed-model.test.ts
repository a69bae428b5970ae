import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../loadtests/run.js';
import { authFlow, openModel, single } from '../helpers/scenarios.js';
import type { TestServer } from '../helpers/test-server.js';
import { startDyingServer, startTestServer } from '../helpers/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const closed = (connections: number) => ({ kind: 'closed', connections }) as const;

describe('closed model', () => {
  it('stops at an exact request count', async () => {
    server = await startTestServer();
    const r = await run({
      target: server.url,
      scenario: single('/fast'),
      model: closed(4),
      requests: 500,
      scrape: false,
    }).finished;
    expect(r.totals.requests).toBe(500);
    expect(r.status).toBe('complete');
    expect(r.endpoints['/fast']?.statusCodes).toEqual({ 200: 500 });
  });

  it('carries captures from step to step of each virtual user', async () => {
    server = await startTestServer();
    const r = await run({
      target: server.url,
      scenario: authFlow,
      model: closed(3),
      durationMs: 800,
      scrape: false,
    }).finished;
    const login = r.endpoints.login?.requests ?? 0;
    const me = r.endpoints.me?.requests ?? 0;
    expect(login).toBeGreaterThan(50);
    // Each user alternates login, me; at most one login per user lacks its me.
    expect(Math.abs(login - me)).toBeLessThanOrEqual(3);
    expect(r.totals.errors).toBe(0);
    expect(server.hits.get('/me')).toBeGreaterThanOrEqual(me);
  });

  it('records microsecond latencies, not whole milliseconds', async () => {
    server = await startTestServer();
    const r = await run({
      target: server.url,
      scenario: single('/fast'),
      model: closed(1),
      requests: 300,
      scrape: false,
    }).finished;
    expect(r.latency.p50).toBeGreaterThan(0);
    expect(Number.isInteger(r.latency.p50)).toBe(false);
  });

  it('hides a server stall that the open model reports (why the open model exists)', async () => {
    const stallingServer = async (): Promise<TestServer> => {
      let n = 0;
      return startTestServer(() => {
        if (++n === 100) {
          const until = performance.now() + 200;
          while (performance.now() < until) {
            // freeze the event loop
          }
        }
        return false;
      });
    };
    server = await stallingServer();
    const c = await run({
      target: server.url,
      scenario: single('/fast'),
      model: closed(1),
      durationMs: 1500,
      scrape: false,
    }).finished;
    await server.close();
    server = await stallingServer();
    const o = await run({
      target: server.url,
      scenario: single('/fast'),
      model: openModel(200),
      durationMs: 1500,
      scrape: false,
    }).finished;
    // Both saw the 200 ms answer...
    expect(c.latency.max).toBeGreaterThanOrEqual(190);
    expect(o.latency.max).toBeGreaterThanOrEqual(190);
    // ...but the closed model sent nothing while it waited, so only one sample is slow.
    expect(c.latency.p99).toBeLessThan(50);
    expect(o.latency.p99).toBeGreaterThanOrEqual(120);
  });

  it('counts failed checks and non-2xx per kind', async () => {
    server = await startTestServer();
    const r = await run({
      target: server.url,
      scenario: single('/wrong', { json: { status: 'ok' } }),
      model: closed(2),
      requests: 100,
      scrape: false,
    }).finished;
    expect(r.totals.errorsByKind.checkFailed).toBe(100);
    const m = await run({
      target: server.url,
      scenario: single('/missing'),
      model: closed(2),
      requests: 50,
      scrape: false,
    }).finished;
    expect(m.totals.errorsByKind.non2xx).toBe(50);
  });
});

describe('closed model, target dying', () => {
  it('counts connection errors by kind and still returns a result', async () => {
    const s = await startDyingServer(200);
    server = s;
    const r = await run({
      target: s.url,
      scenario: single('/fast'),
      model: closed(2),
      durationMs: 800,
      scrape: false,
    }).finished;
    expect(r.status).toBe('complete');
    const { refused, reset } = r.totals.errorsByKind;
    expect(refused + reset).toBeGreaterThan(0);
    expect(r.endpoints['/fast']?.statusCodes['200']).toBeGreaterThanOrEqual(190);
  });
});
