import { histogramCdf, valueAt } from '../compare/bootstrap.js';
import { decodeHistogram } from '../stats/histogram.js';
import type { RunResult } from '../types.js';

/**
 * Percentile levels for the distribution chart, as HdrHistogram's plotter
 * draws them: evenly spaced on 1/(1−p), from 0% to 99.999%, ten a decade.
 */
export const LEVELS: readonly number[] = Array.from({ length: 51 }, (_, k) => 1 - 10 ** (-k / 10));

/** The x of a level on the chart's log axis: 1/(1−p), so 99% is 100 and 99.9% is 1000. */
export const levelX = (p: number): number => Math.round((1 / (1 - p)) * 1000) / 1000;

/**
 * Latency (ms) at each level for all runs of a side merged exactly; null past
 * the resolution the request count gives (one request past the level).
 */
export function latencyByLevel(runs: readonly RunResult[]): (number | null)[] {
  const h = decodeHistogram(runs[0]?.histogram ?? '');
  for (const r of runs.slice(1)) {
    const other = decodeHistogram(r.histogram);
    h.add(other);
    other.destroy();
  }
  const n = h.totalCount;
  const cdf = histogramCdf(h);
  h.destroy();
  return LEVELS.map((p) => (n === 0 || (1 - p) * n < 1 ? null : valueAt(cdf, p) / 1000));
}
