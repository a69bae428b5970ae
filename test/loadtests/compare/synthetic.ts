import { prng } from '../../../common/prng.js';
import { normal } from '../../../loadtests/compare/random.js';
import type { RunResult } from '../../../loadtests/types.js';
import { fakeResult } from '../helpers/fake-result.js';

/**
 * A run of two endpoints whose latencies (ms) are log-normal around `median`,
 * every latency multiplied by `scale` (the known shift) and by this run's own
 * noise factor (run-to-run noise, `noise` as a fraction, seeded).
 */
export function syntheticRun(
  seed: number,
  opts: { scale?: number; noise?: number; requests?: number; seconds?: number; median?: number } = {},
): RunResult {
  const u = prng(seed);
  const runFactor = 1 + (opts.noise ?? 0.05) * normal(u);
  const n = opts.requests ?? 2000;
  const draw = (m: number): number[] =>
    Array.from({ length: n }, () => m * Math.exp(0.4 * normal(u)) * runFactor * (opts.scale ?? 1));
  return fakeResult(
    { 'orders.list': draw(opts.median ?? 20), 'products.get': draw((opts.median ?? 20) / 4) },
    { seconds: opts.seconds ?? 10 },
  );
}

export const runs = (
  count: number,
  seed: number,
  opts: Parameters<typeof syntheticRun>[1] = {},
): RunResult[] => Array.from({ length: count }, (_, i) => syntheticRun(seed * 1000 + i, opts));
