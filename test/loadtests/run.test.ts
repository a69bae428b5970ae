import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../loadtests/run.js';
import { runResultSchema } from '../../loadtests/result/schema.js';
import { openModel, single } from './helpers/scenarios.js';
import type { TestServer } from './helpers/test-server.js';
import { startTestServer } from './helpers/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('run()', () => {
  it('validates options and thresholds at construction', () => {
    const scenario = single('/fast');
    expect(() =>
      run({
        target: 'http://127.0.0.1:9',
        scenario,
        model: { kind: 'closed', connections: -1 },
        durationMs: 1,
      }),
    ).toThrow('option "connections"');
    expect(() =>
      run({
        target: 'http://127.0.0.1:9',
        scenario,
        model: openModel(10),
        durationMs: 1,
        thresholds: ['p95 is fine'],
      }),
    ).toThrow(expect.objectContaining({ code: 'PERFLAB_E_THRESHOLD_SYNTAX' }));
  });

  it('fails fast, before any load, when the target is unreachable', async () => {
    const port = await closedPort();
    const events: string[] = [];
    const r = run({
      target: `http://127.0.0.1:${port}`,
      scenario: single('/fast'),
      model: openModel(100),
      durationMs: 5000,
    });
    r.on('start', () => events.push('start'));
    await expect(r.finished).rejects.toMatchObject({ code: 'PERFLAB_E_TARGET_UNREACHABLE' });
    expect(events).toEqual([]);
  });

  it('emits start, ticks and done, in order, and excludes the warm-up', async () => {
    server = await startTestServer();
    const events: string[] = [];
    const r = run({
      target: server.url,
      scenario: single('/fast'),
      model: openModel(100),
      durationMs: 1000,
      warmupMs: 1000,
      scrape: false,
    });
    r.on('start', () => events.push('start'));
    r.on('tick', (s) => events.push(s.warmingUp ? 'tick:warm' : 'tick'));
    r.on('warmupDone', () => events.push('warmupDone'));
    r.on('done', () => events.push('done'));
    const result = await r.finished;
    expect(events[0]).toBe('start');
    expect(events.at(-1)).toBe('done');
    expect(events).toContain('warmupDone');
    expect(events.indexOf('warmupDone')).toBeGreaterThan(0);
    // 100 arrivals in the measured second; the warm-up's 100 are not counted.
    expect(result.totals.requests).toBe(100);
    // The sample request (matched to server routes) survives the warm-up being ignored.
    expect(result.endpoints['/fast']?.sample).toBe('GET /fast');
    expect(server.hits.get('/fast')).toBe(200);
  });

  it('stops on abort and marks the result interrupted', async () => {
    server = await startTestServer();
    const controller = new AbortController();
    const r = run({
      target: server.url,
      scenario: single('/fast'),
      model: openModel(100),
      durationMs: 20_000,
      scrape: false,
      signal: controller.signal,
    });
    r.once('tick', () => controller.abort());
    const result = await r.finished;
    expect(result.status).toBe('interrupted');
    expect(result.durationMs).toBeLessThan(20_000);
    expect(result.totals.requests).toBeGreaterThan(0);
    expect(result.totals.requests).toBeLessThan(2000);
    expect(runResultSchema.safeParse(result).success).toBe(true);
  });

  it('records the environment and the target', async () => {
    server = await startTestServer((req, res) => {
      if (req.url !== '/api/info') return false;
      res.end(JSON.stringify({ version: '1.2.3', flags: { nPlusOne: true } }));
      return true;
    });
    const result = await run({
      target: server.url,
      scenario: single('/fast'),
      model: openModel(50),
      durationMs: 200,
      scrape: false,
    }).finished;
    expect(result.environment).toMatchObject({ node: process.version, cores: expect.any(Number) as number });
    expect(result.environment.target).toEqual({
      url: server.url,
      version: '1.2.3',
      flags: { nPlusOne: true },
    });
  });
});
