import type { Resampler } from './bootstrap.js';
import { bootstrapChange } from './bootstrap.js';
import { hodgesLehmann, mannWhitney, minimumP, runsToReach } from './mann-whitney.js';
import { median } from './random.js';
import type { FigureChange, FigureName, Verdict } from './types.js';

export const ALPHA = 0.05;
const Z_ALPHA = 1.959963984540054;
const Z_POWER80 = 0.8416212335729143;
/** Asymptotic relative efficiency of the U test against the t-test on normal data (3/π). */
const MWU_EFFICIENCY = 3 / Math.PI;
const MAX_SUGGESTED_RUNS = 50;

/** Lower is better for latencies and errors, higher for throughput. */
export const higherIsBetter = (f: FigureName): boolean => f === 'rps';
/** Errors are judged on percentage points: a relative change from 0 means nothing. */
export const absoluteFigure = (f: FigureName): boolean => f === 'errors';

function verdictOf(f: FigureName, significant: boolean, delta: number): Verdict {
  if (!significant || delta === 0) return 'no significant change';
  return delta > 0 === higherIsBetter(f) ? 'improved' : 'regressed';
}

function base(f: FigureName, before: number, after: number) {
  return {
    figure: f,
    before,
    after,
    delta: after - before,
    relative: before !== 0 ? after / before - 1 : null,
  };
}

const sd = (v: readonly number[]): number => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1));
};

/**
 * Runs a side for 80% power against the observed shift at the observed
 * run-to-run noise (normal approximation, corrected by the U test's
 * efficiency), never fewer than the exact test needs to reach alpha at all.
 */
export function runsFor80Power(before: readonly number[], after: readonly number[]): number {
  const floor = runsToReach(ALPHA);
  const pooled = Math.sqrt((sd(before) ** 2 + sd(after) ** 2) / 2);
  const shift = Math.abs(median(after) - median(before));
  if (!(pooled > 0) || shift === 0) return floor;
  const n = (2 * ((Z_ALPHA + Z_POWER80) * pooled) ** 2) / shift ** 2 / MWU_EFFICIENCY;
  return Math.min(MAX_SUGGESTED_RUNS, Math.max(floor, Math.ceil(n)));
}

/** Repeated runs a side: Mann-Whitney U on per-run values, Hodges–Lehmann interval on log values for ratios. */
export function judgeRuns(f: FigureName, before: readonly number[], after: readonly number[]): FigureChange {
  const b = base(f, median(before), median(after));
  const same = before.every((v) => v === before[0]) && after.every((v) => v === before[0]);
  if (same) return { ...b, method: 'identical', verdict: 'no significant change', p: 1 };
  if (minimumP(before.length, after.length) >= ALPHA) {
    return {
      ...b,
      method: 'mann-whitney',
      verdict: 'needs more runs',
      needRuns: runsFor80Power(before, after),
    };
  }
  const { p } = mannWhitney(before, after);
  const logs = !absoluteFigure(f) && [...before, ...after].every((v) => v > 0);
  const hl = logs ? hodgesLehmann(before.map(Math.log), after.map(Math.log)) : hodgesLehmann(before, after);
  const ci = logs
    ? { low: Math.exp(hl.low) - 1, high: Math.exp(hl.high) - 1 }
    : { low: hl.low, high: hl.high };
  return { ...b, method: 'mann-whitney', p, ci, verdict: verdictOf(f, p < ALPHA, b.delta) };
}

export interface RunSample {
  value: number;
  resample: Resampler;
  /** Units the bootstrap has (requests or seconds) and the least it needs to say anything. */
  units: number;
  minimum: number;
  /** Requests that would reach `minimum`, for the "needs more" message. */
  requestsNeeded?: number;
}

/** One run a side: bootstrap interval of the change; too few requests or seconds gives "needs more runs". */
export function judgeSingle(f: FigureName, before: RunSample, after: RunSample): FigureChange {
  const b = base(f, before.value, after.value);
  if (before.units < before.minimum || after.units < after.minimum) {
    return {
      ...b,
      method: 'bootstrap',
      verdict: 'needs more runs',
      needRuns: runsToReach(ALPHA),
      ...(before.requestsNeeded !== undefined ? { needRequests: before.requestsNeeded } : {}),
    };
  }
  const absolute = absoluteFigure(f) || before.value === 0;
  const out = bootstrapChange(before.resample, after.resample, !absolute);
  const significant = out.low > 0 || out.high < 0;
  return {
    ...b,
    method: 'bootstrap',
    p: out.p,
    ci: { low: out.low, high: out.high },
    verdict: verdictOf(f, significant, b.delta),
  };
}
