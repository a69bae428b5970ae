import { aggregate } from '../../../loadtests/result/aggregate.js';
import { Recorder } from '../../../loadtests/stats/recorder.js';
import { parseThresholds } from '../../../loadtests/thresholds/parse-threshold.js';
import type { GeneratorHealth, RunResult } from '../../../loadtests/types.js';

/**
 * A result built through the real recorder and aggregate() from given
 * latencies (ms) per endpoint, spread evenly over `seconds`; `generator` is
 * what the engine reported (an open model at 100 flows/s that kept up by default).
 */
export function fakeResult(
  latencies: Record<string, number[]>,
  opts: { seconds?: number; thresholds?: string[]; errorsEvery?: number; generator?: GeneratorHealth } = {},
): RunResult {
  const seconds = opts.seconds ?? 2;
  const rec = new Recorder(0);
  for (const [name, values] of Object.entries(latencies)) {
    values.forEach((ms, i) => {
      const isError = opts.errorsEvery !== undefined && i % opts.errorsEvery === 0;
      const at = (i / values.length) * seconds * 1000;
      rec.record(
        name,
        { latencyUs: ms * 1000, status: isError ? 500 : 200, ...(isError ? { error: 'non2xx' } : {}) },
        at,
      );
    });
  }
  rec.close();
  const thresholds = opts.thresholds ?? [];
  return aggregate(rec, {
    scenario: { name: 'fake', description: 'made in a test' },
    config: {
      target: 'http://127.0.0.1:1',
      model: { kind: 'open', rate: 100, maxConnections: 10, maxSendLagMs: 5 },
      durationMs: seconds * 1000,
      warmupMs: 0,
      timeoutMs: 1000,
      thresholds,
    },
    environment: {
      node: process.version,
      platform: 'linux',
      arch: 'x64',
      cpuModel: 'test',
      cores: 2,
      hostname: 'h',
      perflabVersion: '0.0.0',
      target: { url: 'http://127.0.0.1:1' },
    },
    status: 'complete',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:02.000Z',
    durationMs: seconds * 1000,
    generator: opts.generator ?? { keptUp: true, reasons: [], dropped: 0, maxInFlight: 3 },
    server: { available: false, reason: 'test', scrapes: 0 },
    thresholds: parseThresholds(thresholds),
  });
}

/** Deterministic pseudo-random latencies (ms) so failures reproduce. */
export function latencies(n: number, seed: number, scale = 50): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return (x / 2 ** 31) ** 3 * scale + 0.05;
  });
}
