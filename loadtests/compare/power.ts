import { prng } from '../../common/prng.js';
import { ALPHA } from './judge.js';
import { mannWhitney, minimumP } from './mann-whitney.js';
import { normal } from './random.js';

/**
 * The seeded simulation behind the figures in docs/compare.md: per-run
 * values with normal run-to-run noise (`noise` as a fraction of the mean), the
 * after side shifted by `shift`, judged by the same U test compare uses.
 */
export interface PowerOptions {
  runs: number;
  noise: number;
  trials: number;
  seed: number;
}

/** Share of trials in which the test calls a `shift` (fraction, > 0 slower) significant in its direction. */
export function detectionRate(shift: number, o: PowerOptions): number {
  if (minimumP(o.runs, o.runs) >= ALPHA) return 0;
  const u = prng(o.seed);
  const draw = (scale: number): number[] =>
    Array.from({ length: o.runs }, () => 100 * scale * (1 + o.noise * normal(u)));
  let hits = 0;
  for (let t = 0; t < o.trials; t++) {
    const before = draw(1);
    const after = draw(1 + shift);
    const { p, u: stat } = mannWhitney(before, after);
    // Significant, and in the direction of the shift (any direction for shift 0: a false positive).
    if (p < ALPHA && (shift === 0 || stat > (o.runs * o.runs) / 2)) hits++;
  }
  return hits / o.trials;
}

/** The smallest shift on a 0.5% grid up to `max` detected with at least `power`; null when none is. */
export function smallestDetectableShift(o: PowerOptions, power = 0.8, max = 0.5): number | null {
  const step = 0.005;
  let lo = 1;
  let hi = Math.round(max / step);
  if (detectionRate(hi * step, o) < power) return null;
  // Power grows with the shift, so bisect the grid.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (detectionRate(mid * step, o) >= power) hi = mid;
    else lo = mid + 1;
  }
  return Math.round(hi * step * 1000) / 1000;
}

export interface PowerRow {
  runs: number;
  shift80: number | null;
  falsePositiveRate: number;
}

export const POWER_SETTINGS = { noise: 0.05, trials: 4000, seed: 20_251_206, runs: [3, 5, 10] } as const;

/** The table docs/compare.md shows; its test fails when the docs drift from it. */
export function powerTable(): PowerRow[] {
  const { noise, trials, seed } = POWER_SETTINGS;
  return POWER_SETTINGS.runs.map((runs) => ({
    runs,
    shift80: smallestDetectableShift({ runs, noise, trials, seed }),
    falsePositiveRate: detectionRate(0, { runs, noise, trials, seed: seed + 1 }),
  }));
}

export function formatPowerTable(rows: readonly PowerRow[]): string {
  const lines = [
    '| runs a side | smallest shift detected with 80% power | false positives on identical runs |',
    '| --- | --- | --- |',
  ];
  for (const r of rows) {
    const shift =
      r.shift80 === null
        ? `none (the least p-value ${r.runs} a side can reach is ${minimumP(r.runs, r.runs).toFixed(2)})`
        : `${(r.shift80 * 100).toFixed(1)}%`;
    lines.push(`| ${r.runs} | ${shift} | ${(r.falsePositiveRate * 100).toFixed(2)}% |`);
  }
  return lines.join('\n');
}
