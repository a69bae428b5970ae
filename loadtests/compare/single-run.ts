import { decodeHistogram } from '../stats/histogram.js';
import type { RunResult } from '../types.js';
import {
  completeSeconds,
  errorCountResampler,
  errorWindowsResampler,
  meanResampler,
  percentileResampler,
  rpsResampler,
} from './bootstrap.js';
import type { RunSample } from './judge.js';
import type { Uniform } from './random.js';
import type { FigureName } from './types.js';

const QUANTILE: Partial<Record<FigureName, number>> = { p50: 0.5, p95: 0.95, p99: 0.99 };
/** A percentile needs this many requests beyond it before its interval means anything. */
const TAIL_REQUESTS = 10;
const MIN_REQUESTS = 30;
const MIN_SECONDS = 5;

/**
 * The bootstrap inputs of one figure of one run: percentiles and the mean
 * from the HDR histogram, throughput and (overall) the error rate from
 * per-second windows, an endpoint's error rate from its counts.
 */
export function runSample(r: RunResult, f: FigureName, endpoint: string | undefined, u: Uniform): RunSample {
  const ep =
    endpoint === undefined
      ? { ...r.totals, latency: r.latency, histogram: r.histogram }
      : r.endpoints[endpoint];
  if (!ep) throw new Error(`no endpoint ${String(endpoint)}`);
  const q = QUANTILE[f];
  if (q !== undefined || f === 'mean') {
    const h = decodeHistogram(ep.histogram);
    const needed = q === undefined ? MIN_REQUESTS : Math.ceil(TAIL_REQUESTS / (1 - q));
    return {
      value: ep.latency[f as 'p50'],
      resample: q === undefined ? meanResampler(h, u) : percentileResampler(h, q, u),
      units: h.totalCount,
      minimum: needed,
      requestsNeeded: needed,
    };
  }
  const seconds = completeSeconds(r.series, r.durationMs);
  const total = seconds.reduce((s, p) => s + p.requests, 0);
  if (f === 'rps') {
    const share = endpoint === undefined || r.totals.requests === 0 ? 1 : ep.requests / r.totals.requests;
    return {
      value: r.durationMs > 0 ? ep.requests / (r.durationMs / 1000) : 0,
      resample: rpsResampler(seconds, u, share),
      units: seconds.length,
      minimum: MIN_SECONDS,
    };
  }
  const value = ep.requests > 0 ? (ep.errors / ep.requests) * 100 : 0;
  return endpoint === undefined
    ? {
        value,
        resample: errorWindowsResampler(seconds, u),
        units: total > 0 ? seconds.length : 0,
        minimum: MIN_SECONDS,
      }
    : {
        value,
        resample: errorCountResampler(ep.requests, ep.errors, u),
        units: ep.requests,
        minimum: MIN_REQUESTS,
        requestsNeeded: MIN_REQUESTS,
      };
}
