import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../types.js';

// One hour in microseconds: anything slower is clamped rather than resizing
// the histogram mid-run, so recording never allocates on the hot path.
const HIGHEST_US = 3_600_000_000;

/** A latency histogram in microseconds with 3 significant digits (0.1% error). */
export function createHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });
}

export function recordMicros(h: Histogram, micros: number): void {
  h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(micros))));
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Decodes into a fresh fixed-range histogram so that merged histograms always add exactly. */
export function decodeHistogram(encoded: string): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(encoded);
  const h = createHistogram();
  h.add(decoded);
  decoded.destroy();
  return h;
}

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Percentiles in milliseconds; all zero for an empty histogram. */
export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const at = (p: number): number => round3(h.getValueAtPercentile(p) / 1000);
  return {
    min: round3(h.minNonZeroValue / 1000),
    mean: round3(h.mean / 1000),
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    // Bucket-based like the percentiles, so a decoded or merged histogram reports the same max.
    max: at(100),
  };
}
