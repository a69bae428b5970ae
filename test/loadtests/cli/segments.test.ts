import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PerflabError } from '../../../common/perflab-error.js';
import { main } from '../../../loadtests/cli/main.js';
import { E_OPTION } from '../../../loadtests/error-codes.js';
import { mergeResults } from '../../../loadtests/result/merge.js';
import { parseResult } from '../../../loadtests/result/result-file.js';
import { run } from '../../../loadtests/run.js';
import { urlScenario } from '../../../loadtests/scenario-runtime/load-scenario.js';
import { createHistogram, decodeHistogram, encodeHistogram } from '../../../loadtests/stats/histogram.js';
import type { RunResult } from '../../../loadtests/types.js';
import { captureIo } from '../helpers/capture-io.js';
import { single } from '../helpers/scenarios.js';
import type { TestServer } from '../helpers/test-server.js';
import { startTestServer } from '../helpers/test-server.js';

let server: TestServer;
// The connections that carried load: the preflight's GET / and /api/info come on others.
const loadSockets = new Set<Socket>();
beforeAll(async () => {
  server = await startTestServer();
  server.server.on('request', (req: { url?: string; socket: Socket }) => {
    if (req.url === '/fast') loadSockets.add(req.socket);
  });
});
afterAll(async () => {
  await server.close();
});

const bin = new URL('../../../bin/perflab.js', import.meta.url).pathname;
// 100 flows/s for 6 s: 600 arrivals, 200 per segment. Long enough that three processes started
// together overlap in time whatever their start-up skew on a busy machine.
const PLAN = ['-r', '100', '-d', '6s', '--no-scrape', '-q'];

function runSegment(url: string, index: number, dir: string): Promise<RunResult> {
  const child = spawn(
    process.execPath,
    [bin, 'run', `${url}/fast`, ...PLAN, '--segment', `${index}/3`, '-o', dir],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`segment ${index} exited ${code}: ${stderr}`));
      resolve(parseResult(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'))));
    });
  });
}

describe('--segment i/N: three generator processes, merged', () => {
  it('match one unsegmented run within 1%, and the merged histograms are the exact sum of the parts', async () => {
    const dirs = [1, 2, 3].map(() => mkdtempSync(join(tmpdir(), 'perflab-segment-')));
    const parts = await Promise.all([1, 2, 3].map((i) => runSegment(server.url, i, dirs[i - 1] as string)));
    expect(parts.map((p) => p.segment)).toEqual([1, 2, 3].map((index) => ({ index, count: 3 })));
    // Every N-th arrival: 600 arrivals split exactly, whatever else the machine was doing.
    expect(parts.map((p) => p.totals.requests)).toEqual([200, 200, 200]);
    for (const p of parts) expect(p.generator.flowsStarted).toBe(200);

    const merged = mergeResults(parts);
    expect(merged.segment).toBeUndefined();
    expect(merged.mergedFrom).toBe(3);

    const { scenario, target } = urlScenario(`${server.url}/fast`);
    const whole = await run({
      target,
      scenario,
      model: { kind: 'open', rate: 100, maxConnections: 512, maxSendLagMs: 5 },
      durationMs: 6000,
      scrape: false,
    }).finished;
    expect(
      Math.abs(merged.totals.requests - whole.totals.requests) / whole.totals.requests,
    ).toBeLessThanOrEqual(0.01);
    expect(Math.abs(merged.totals.rps - whole.totals.rps) / whole.totals.rps).toBeLessThanOrEqual(0.01);

    // The merged histogram is the sum of the parts, bucket by bucket.
    const sum = createHistogram();
    for (const p of parts) {
      const h = decodeHistogram(p.histogram);
      sum.add(h);
      h.destroy();
    }
    const mergedH = decodeHistogram(merged.histogram);
    expect(mergedH.totalCount).toBe(600);
    expect(encodeHistogram(mergedH)).toBe(encodeHistogram(sum));
    const step = Object.keys(merged.endpoints)[0] as string;
    expect(merged.endpoints[step]?.requests).toBe(
      parts.reduce((s, p) => s + (p.endpoints[step]?.requests ?? 0), 0),
    );
    sum.destroy();
    mergedH.destroy();
  }, 60_000);
});

/** `perflab run` in this process; the result it printed with --json. */
async function runInProcess(argv: string[]): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'perflab-segment-'));
  const io = captureIo();
  const code = await main(
    ['run', `${server.url}/fast`, ...argv, '--no-scrape', '--no-report', '-q', '--json', '-o', dir],
    io,
  );
  if (code !== 0) throw new Error(`perflab run ${argv.join(' ')} exited ${code}: ${io.stderr.join('\n')}`);
  return parseResult(JSON.parse(io.stdout.join('')));
}

/** The three segments of a plan run side by side, as three generators would, and the plan run whole. */
async function segmentedAndWhole(plan: string[]) {
  loadSockets.clear();
  const parts = await Promise.all([1, 2, 3].map((i) => runInProcess([...plan, '--segment', `${i}/3`])));
  const partSockets = loadSockets.size;
  loadSockets.clear();
  const whole = await runInProcess(plan);
  return { parts, merged: mergeResults(parts), whole, partSockets, wholeSockets: loadSockets.size };
}

// A URL run's one step is named after the request.
const STEP = 'GET /fast';
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

describe('--segment i/N splits every kind of plan exactly', () => {
  it('closed model: 7 connections and -n 600 split 3+2+2 connections, 200 requests each', async () => {
    const { parts, merged, whole, partSockets, wholeSockets } = await segmentedAndWhole([
      '-c',
      '7',
      '-n',
      '600',
    ]);
    expect(parts.map((p) => p.totals.requests)).toEqual([200, 200, 200]);
    expect(parts.map((p) => p.generator.maxInFlight)).toEqual([3, 2, 2]);
    // The target saw as many load connections from the three segments as from the whole plan.
    expect(partSockets).toBe(7);
    expect(wholeSockets).toBe(7);
    expect(whole.totals.requests).toBe(600);
    expect(merged.totals.requests).toBe(whole.totals.requests);
    expect(merged.generator.maxInFlight).toBe(whole.generator.maxInFlight);
    expect(merged.endpoints[STEP]?.statusCodes).toEqual({ 200: 600 });
    expect(merged.totals.errors).toBe(0);
  });

  it('open model, -n 100 at 200 flows/s: 34+33+33 requests', async () => {
    const { parts, merged, whole } = await segmentedAndWhole(['-r', '200', '-n', '100']);
    expect(parts.map((p) => p.totals.requests)).toEqual([34, 33, 33]);
    expect(whole.totals.requests).toBe(100);
    expect(merged.totals.requests).toBe(100);
  });

  it('open model, --stages: every third arrival of the ramp, 125 arrivals in all', async () => {
    // 0.5 s at 100 flows/s, then 0.5 s ramping to 200: 50 + 75 arrivals.
    const plan = ['--start-rate', '100', '--stages', '500ms:100,500ms:200'];
    const { parts, merged, whole } = await segmentedAndWhole(plan);
    expect(parts.map((p) => p.generator.flowsStarted)).toEqual([42, 42, 41]);
    expect(parts.map((p) => p.totals.requests)).toEqual([42, 42, 41]);
    expect(whole.generator.flowsStarted).toBe(125);
    expect(sum(parts.map((p) => p.generator.flowsStarted ?? 0))).toBe(whole.generator.flowsStarted);
    expect(merged.totals.requests).toBe(whole.totals.requests);
    expect(merged.endpoints[STEP]?.statusCodes).toEqual({ 200: 125 });
  });
});

describe('--segment refuses more segments than the plan has connections or requests', () => {
  const hitsSoFar = (): number => sum([...server.hits.values()]);

  it.each([
    [['-c', '2', '--segment', '1/3'], 'at most 2 segments (one connection each), got number 3'],
    [['-c', '8', '-n', '2', '--segment', '2/3'], 'at most 2 segments (one request each), got number 3'],
    [['-r', '10', '-n', '2', '--segment', '3/3'], 'at most 2 segments (one request each), got number 3'],
  ])('%j exits 2 before any request: %s', async (argv, message) => {
    const before = hitsSoFar();
    const io = captureIo();
    expect(await main(['run', `${server.url}/fast`, '--no-scrape', ...argv], io)).toBe(2);
    const err = io.stderr.join('\n');
    expect(err).toContain(`option "segment" must be ${message}`);
    expect(err).toContain(`[${E_OPTION}]`);
    expect(hitsSoFar()).toBe(before);
  });

  it('the library throws the same coded error at construction', () => {
    let thrown: unknown;
    try {
      run({
        target: server.url,
        scenario: single('/fast'),
        model: { kind: 'closed', connections: 2 },
        durationMs: 1000,
        segment: { index: 1, count: 3 },
      });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(PerflabError);
    expect((thrown as PerflabError).code).toBe(E_OPTION);
  });
});
