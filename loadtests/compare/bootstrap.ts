import type { Histogram } from 'hdr-histogram-js';
import type { SeriesPoint } from '../types.js';
import type { Uniform } from './random.js';
import { beta, normal, poisson, quantile } from './random.js';

/** One bootstrap replicate of a figure of one run. */
export type Resampler = () => number;

/**
 * The histogram as sorted (value, cumulative count) pairs of its non-empty
 * buckets, so a quantile is a binary search rather than hdr-histogram-js's
 * walk over every bucket (tens of thousands at 3 significant digits).
 */
export function histogramCdf(h: Histogram): { values: Float64Array; cumulative: Float64Array } {
  const js = h as unknown as {
    countsArrayLength: number;
    getCountAtIndex(i: number): number;
    valueFromIndex(i: number): number;
    highestEquivalentValue(v: number): number;
  };
  const values: number[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < js.countsArrayLength; i++) {
    const c = js.getCountAtIndex(i);
    if (c === 0) continue;
    total += c;
    values.push(js.highestEquivalentValue(js.valueFromIndex(i)));
    cumulative.push(total);
  }
  return { values: Float64Array.from(values), cumulative: Float64Array.from(cumulative) };
}

/** The value (µs) at probability p, as HdrHistogram's getValueAtPercentile answers it. */
export function valueAt(cdf: ReturnType<typeof histogramCdf>, p: number): number {
  const n = cdf.cumulative[cdf.cumulative.length - 1] ?? 0;
  const target = Math.max(1, Math.ceil(Math.min(1, p) * n - 1e-9));
  let lo = 0;
  let hi = cdf.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cdf.cumulative[mid] as number) >= target) hi = mid;
    else lo = mid + 1;
  }
  return cdf.values[lo] ?? 0;
}

/**
 * A percentile (q in 0..1, ms) of a resample of the run's requests, drawn in
 * O(log buckets) rather than O(requests): the r-th smallest of n values drawn
 * from the empirical distribution F is F⁻¹(U₍ᵣ₎), and the r-th smallest of n
 * uniforms is Beta(r, n−r+1). The HDR histogram is F.
 */
export function percentileResampler(h: Histogram, q: number, u: Uniform): Resampler {
  const n = h.totalCount;
  const r = Math.min(n, Math.max(1, Math.ceil(q * n)));
  const cdf = histogramCdf(h);
  return () => valueAt(cdf, beta(u, r, n - r + 1)) / 1000;
}

/** The mean of a resample (ms): normal with the histogram's standard error, the bootstrap's large-n limit. */
export function meanResampler(h: Histogram, u: Uniform): Resampler {
  // Both are walks over every bucket in hdr-histogram-js: read them once.
  const mean = h.mean;
  const se = h.stdDeviation / Math.sqrt(Math.max(1, h.totalCount));
  return () => (mean + se * normal(u)) / 1000;
}

/**
 * Per-second windows of the run, resampled whole: requests inside a second
 * share the server's state (a GC, a cold cache), so seconds, not requests,
 * are the independent units. Only complete seconds take part.
 */
export function completeSeconds(series: readonly SeriesPoint[], durationMs: number): SeriesPoint[] {
  return series.filter((p) => p.second < Math.floor(durationMs / 1000));
}

/** Throughput (req/s) of a resample of seconds, scaled by `share` for one endpoint. */
export function rpsResampler(seconds: readonly SeriesPoint[], u: Uniform, share = 1): Resampler {
  const k = seconds.length;
  return () => {
    let sum = 0;
    for (let i = 0; i < k; i++) sum += (seconds[Math.floor(u() * k)] as SeriesPoint).requests;
    return (sum / k) * share;
  };
}

/** Error rate (%) of a resample of seconds. */
export function errorWindowsResampler(seconds: readonly SeriesPoint[], u: Uniform): Resampler {
  const k = seconds.length;
  return () => {
    let req = 0;
    let err = 0;
    for (let i = 0; i < k; i++) {
      const p = seconds[Math.floor(u() * k)] as SeriesPoint;
      req += p.requests;
      err += p.errors;
    }
    return req === 0 ? 0 : (err / req) * 100;
  };
}

/** Error rate (%) of one endpoint's resampled requests: errors are rare events, so Poisson. */
export function errorCountResampler(requests: number, errors: number, u: Uniform): Resampler {
  return () => (requests === 0 ? 0 : (Math.min(requests, poisson(u, errors)) / requests) * 100);
}

export interface BootstrapOutcome {
  /** Interval of after/before − 1 (relative) or after − before (absolute). */
  low: number;
  high: number;
  /** Share of replicates on the other side of "no change", doubled: an achieved significance level. */
  p: number;
}

/** Percentile interval of the change between two runs' figures, from `replicates` paired draws. */
export function bootstrapChange(
  before: Resampler,
  after: Resampler,
  relative: boolean,
  replicates = 2000,
  level = 0.95,
): BootstrapOutcome {
  const changes: number[] = [];
  let below = 0;
  let above = 0;
  for (let i = 0; i < replicates; i++) {
    const b = before();
    const a = after();
    const c = relative ? (b > 0 ? a / b - 1 : a > 0 ? Infinity : 0) : a - b;
    changes.push(c);
    if (c <= 0) below++;
    if (c >= 0) above++;
  }
  changes.sort((x, y) => x - y);
  const tail = (1 - level) / 2;
  return {
    low: quantile(changes, tail),
    high: quantile(changes, 1 - tail),
    p: Math.min(1, (2 * Math.min(below, above)) / replicates),
  };
}
