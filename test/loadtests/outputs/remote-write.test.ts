import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineScenario } from '../../../loadtests/scenario-runtime/define-scenario.js';
import { remoteWriteFromFlags } from '../../../loadtests/outputs/remote-write/cli-flags.js';
import * as RW from '../../../loadtests/outputs/remote-write/metric-names.js';
import { RemoteWriteOutput } from '../../../loadtests/outputs/remote-write/remote-write-output.js';
import { run } from '../../../loadtests/run.js';
import type { RunResult } from '../../../loadtests/types.js';
import { startPrometheus, type RunningPrometheus } from '../../helpers/prometheus.js';
import { captureIo } from '../helpers/capture-io.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { main } from '../../../loadtests/cli/main.js';

// Two generators run at once against one target and write into a real
// Prometheus (Debian's, remote-write receiver on): what arrives must add up
// to what both result.json files say, and the latency histograms must add
// up across generators.

const scenario = defineScenario({
  name: 'rw',
  description: 'a fast endpoint and one that always fails',
  flows: [
    { name: 'ok', weight: 3, steps: [{ name: 'fast', path: '/fast' }] },
    { name: 'bad', weight: 1, steps: [{ name: 'missing', path: '/nope', check: { status: 200 } }] },
  ],
});

let prom: RunningPrometheus;
let target: TestServer;
let userAgents: Set<string>;

beforeAll(async () => {
  prom = await startPrometheus('global:\n  scrape_interval: 15s\n');
  userAgents = new Set();
  target = await startTestServer((req) => {
    userAgents.add(req.headers['user-agent'] ?? '');
    return false;
  });
}, 60_000);

afterAll(async () => {
  await target?.close();
  await prom?.stop();
});

async function generator(
  testid: string,
  name: string,
): Promise<{ result: RunResult; output: RemoteWriteOutput }> {
  const output = new RemoteWriteOutput({ url: `${prom.url}/api/v1/write`, testid, generator: name });
  const loadRun = run({
    target: target.url,
    scenario,
    model: { kind: 'open', rate: 150, maxConnections: 50, maxSendLagMs: 50 },
    durationMs: 2500,
    scrape: false,
  });
  output.attach(loadRun);
  const result = await loadRun.finished;
  const report = await output.close();
  expect(report.failed, report.lastError).toBe(0);
  expect(report.pushes).toBeGreaterThanOrEqual(2); // ticks during the run, and the final one
  expect(report.requests).toBe(result.totals.requests);
  return { result, output };
}

describe('perflab run --prometheus-rw', () => {
  it('writes totals that match result.json, summed over two generators', async () => {
    const testid = 'rw-test';
    const [a, b] = await Promise.all([generator(testid, 'gen-a'), generator(testid, 'gen-b')]);
    const sel = `{${RW.LABEL_TESTID}="${testid}"}`;
    const value = async (expr: string): Promise<number> => Number((await prom.query(expr))[0]?.value[1]);
    const requests = a.result.totals.requests + b.result.totals.requests;
    await prom.until(async () => (await value(`sum(${RW.LOAD_REQUESTS}${sel})`)) === requests, 'the totals');

    const errors = a.result.totals.errors + b.result.totals.errors;
    expect(errors).toBeGreaterThan(0);
    expect(await value(`sum(${RW.LOAD_ERRORS}${sel})`)).toBe(errors);
    expect(await value(`sum(${RW.LOAD_ERRORS}{${RW.LABEL_ERROR_TYPE}="non2xx"})`)).toBe(errors);
    for (const r of [a.result, b.result]) {
      const gen = r === a.result ? 'gen-a' : 'gen-b';
      for (const [endpoint, ep] of Object.entries(r.endpoints)) {
        const one = `{${RW.LABEL_TESTID}="${testid}",${RW.LABEL_GENERATOR}="${gen}",${RW.LABEL_ENDPOINT}="${endpoint}"}`;
        expect(await value(`${RW.LOAD_REQUESTS}${one}`)).toBe(ep.requests);
        expect(await value(`${RW.LOAD_REQUEST_DURATION}_count${one}`)).toBe(ep.requests);
      }
    }
    // The +Inf bucket of the summed histogram counts every request of both generators.
    expect(
      await value(`sum(${RW.LOAD_REQUEST_DURATION}_bucket{${RW.LABEL_TESTID}="${testid}",le="+Inf"})`),
    ).toBe(requests);
    const p95 = await value(
      `histogram_quantile(0.95, sum by (le) (${RW.LOAD_REQUEST_DURATION}_bucket${sel}))`,
    );
    expect(p95).toBeGreaterThan(0);
    expect(p95).toBeLessThanOrEqual(RW.LOAD_DURATION_BUCKETS.at(-1) as number);
    const gens = await prom.query(`count by (${RW.LABEL_GENERATOR}) (${RW.LOAD_IN_FLIGHT}${sel})`);
    expect(gens.map((s) => s.metric[RW.LABEL_GENERATOR]).sort()).toEqual(['gen-a', 'gen-b']);
    expect((await prom.query(`${RW.LOAD_SEND_LAG}${sel}`)).length).toBe(2);
  }, 60_000);

  it('sends User-Agent perflab/<version> with every load request', () => {
    expect([...userAgents]).toEqual([expect.stringMatching(/^perflab\/\d+\.\d+\.\d+/)]);
  });

  it('makes a bad --prometheus-rw or --testid a usage error before any load', async () => {
    const hitsBefore = target.hits.get('/fast') ?? 0;
    for (const [args, message] of [
      [['--prometheus-rw', 'not a url'], /--prometheus-rw\/--testid: option "url" must be an http\(s\) URL/],
      [['--testid', 'x'], /--testid needs --prometheus-rw <url>/],
      [['--prometheus-rw', `${prom.url}/api/v1/write`, '--testid', 'has space'], /option "testid"/],
    ] as const) {
      const io = captureIo();
      expect(await main(['run', `${target.url}/fast`, '-d', '1s', ...args], io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(message);
      expect(io.stderr.join('\n')).toContain('[PERFLAB_E_USAGE]');
    }
    expect(target.hits.get('/fast') ?? 0).toBe(hitsBefore);
  });

  it('rejects bad options with a coded error naming them', () => {
    expect(() => new RemoteWriteOutput({ url: 'ftp://x', testid: 't' })).toThrow(/option "url"/);
    expect(() => new RemoteWriteOutput({ url: 'http://127.0.0.1:1', testid: 'a b' })).toThrow(
      /option "testid"/,
    );
    expect(() => remoteWriteFromFlags(undefined, 'x', 's')).toThrow(/--testid needs --prometheus-rw/);
    expect(remoteWriteFromFlags(undefined, undefined, 's')).toBeUndefined();
    const out = remoteWriteFromFlags(
      'http://127.0.0.1:9/api/v1/write',
      undefined,
      'my scenario',
      new Date('2026-01-02T03:04:05Z'),
    );
    expect(out).toBeInstanceOf(RemoteWriteOutput);
  });
});
