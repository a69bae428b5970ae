import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeResults } from '../../../loadtests/result/merge.js';
import { parseResult } from '../../../loadtests/result/result-file.js';
import { run } from '../../../loadtests/run.js';
import { urlScenario } from '../../../loadtests/scenario-runtime/load-scenario.js';
import { createHistogram, decodeHistogram, encodeHistogram } from '../../../loadtests/stats/histogram.js';
import type { RunResult } from '../../../loadtests/types.js';
import type { TestServer } from '../helpers/test-server.js';
import { startTestServer } from '../helpers/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
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
