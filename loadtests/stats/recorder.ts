import type { Histogram } from 'hdr-histogram-js';
import type { ErrorKind, SeriesPoint } from '../types.js';
import { createHistogram, encodeHistogram, recordMicros, summarize } from './histogram.js';

export const ERROR_KINDS: readonly ErrorKind[] = [
  'timeout',
  'refused',
  'reset',
  'non2xx',
  'checkFailed',
  'other',
];

export function emptyErrorCounts(): Record<ErrorKind, number> {
  return { timeout: 0, refused: 0, reset: 0, non2xx: 0, checkFailed: 0, other: 0 };
}

export interface EndpointStats {
  requests: number;
  errors: number;
  errorsByKind: Record<ErrorKind, number>;
  statusCodes: Map<number, number>;
  histogram: Histogram;
  sample?: string;
}

export interface Outcome {
  /** Undefined for transport errors that never got an answer nor a timeout. */
  latencyUs?: number;
  status?: number;
  error?: ErrorKind;
  /** `METHOD /path` of the request, kept once per endpoint to match server-side routes. */
  sample?: string;
}

/**
 * Counters and histograms only: memory stays flat however many requests a run
 * makes. Times are milliseconds on the performance.now() clock.
 */
export class Recorder {
  readonly endpoints = new Map<string, EndpointStats>();
  readonly series: SeriesPoint[] = [];
  requests = 0;
  errors = 0;
  private second = 0;
  private secondRequests = 0;
  private secondErrors = 0;
  private secondHistogram: Histogram = createHistogram();
  private closed = false;

  constructor(private readonly windowStartMs: number) {}

  record(step: string, outcome: Outcome, nowMs: number): void {
    if (this.closed) return;
    const second = Math.max(0, Math.floor((nowMs - this.windowStartMs) / 1000));
    if (second > this.second) this.flushUntil(second);
    const ep = this.endpoint(step);
    ep.requests++;
    if (ep.sample === undefined && outcome.sample !== undefined) ep.sample = outcome.sample;
    this.requests++;
    this.secondRequests++;
    if (outcome.status !== undefined) {
      ep.statusCodes.set(outcome.status, (ep.statusCodes.get(outcome.status) ?? 0) + 1);
    }
    if (outcome.error !== undefined) {
      ep.errors++;
      ep.errorsByKind[outcome.error]++;
      this.errors++;
      this.secondErrors++;
    }
    if (outcome.latencyUs !== undefined) {
      recordMicros(ep.histogram, outcome.latencyUs);
      recordMicros(this.secondHistogram, outcome.latencyUs);
    }
  }

  /**
   * All endpoints together, built on demand: adding histograms is exact, and
   * it saves a third histogram write per request on the hot path. The caller
   * destroys it.
   */
  totalHistogram(): Histogram {
    const total = createHistogram();
    for (const ep of this.endpoints.values()) total.add(ep.histogram);
    return total;
  }

  /** Closes the series up to `nowMs` so that quiet seconds still appear (as zeros). */
  tick(nowMs: number): void {
    const second = Math.floor((nowMs - this.windowStartMs) / 1000);
    if (second > this.second) this.flushUntil(second);
  }

  /** Stops recording and flushes the last, possibly partial, second. */
  close(): void {
    if (this.closed) return;
    if (this.secondRequests > 0) this.flushUntil(this.second + 1);
    this.closed = true;
    this.secondHistogram.destroy();
  }

  private endpoint(step: string): EndpointStats {
    let ep = this.endpoints.get(step);
    if (ep === undefined) {
      ep = {
        requests: 0,
        errors: 0,
        errorsByKind: emptyErrorCounts(),
        statusCodes: new Map(),
        histogram: createHistogram(),
      };
      this.endpoints.set(step, ep);
    }
    return ep;
  }

  private flushUntil(second: number): void {
    while (this.second < second) {
      const s = summarize(this.secondHistogram);
      this.series.push({
        second: this.second,
        requests: this.secondRequests,
        errors: this.secondErrors,
        p50: s.p50,
        p95: s.p95,
        p99: s.p99,
        histogram: encodeHistogram(this.secondHistogram),
      });
      this.secondHistogram.reset();
      this.secondRequests = 0;
      this.secondErrors = 0;
      this.second++;
    }
  }
}
