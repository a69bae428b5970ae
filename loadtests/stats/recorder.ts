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
  /** Pass and fail counts per named check. */
  checks: Map<string, { passes: number; fails: number }>;
  /** Failure reasons and their counts, at most MAX_REASONS distinct ones; the rest in `otherFailures`. */
  failures: Map<string, number>;
  otherFailures: number;
  /** Poll steps only: HTTP requests their polls sent, and the most one poll sent. */
  polls?: { attempts: number; max: number };
}

/** Distinct failure reasons kept per step: a custom check's message may carry ids, and memory must stay flat. */
export const MAX_REASONS = 5;
const MAX_REASON_LENGTH = 200;

export interface Outcome {
  /** Undefined for transport errors that never got an answer nor a timeout. */
  latencyUs?: number;
  status?: number;
  error?: ErrorKind;
  /** `METHOD /path` of the request, kept once per endpoint to match server-side routes. */
  sample?: string;
  /** Why it failed (`status 503`, `json id: expected present, got missing`, `ECONNRESET`). */
  reason?: string;
  checks?: readonly (readonly [name: string, passed: boolean])[];
  /**
   * A poll step: how many requests it sent. The outcome is still one entry in
   * every count (a step is one request, however many polls it took), and its
   * latency is the time to the condition.
   */
  attempts?: number;
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
      const reason = (outcome.reason ?? outcome.error).slice(0, MAX_REASON_LENGTH);
      const seen = ep.failures.get(reason);
      if (seen !== undefined) ep.failures.set(reason, seen + 1);
      else if (ep.failures.size < MAX_REASONS) ep.failures.set(reason, 1);
      else ep.otherFailures++;
    }
    if (outcome.checks !== undefined) {
      for (const [name, passed] of outcome.checks) {
        let c = ep.checks.get(name);
        if (c === undefined) ep.checks.set(name, (c = { passes: 0, fails: 0 }));
        if (passed) c.passes++;
        else c.fails++;
      }
    }
    if (outcome.attempts !== undefined) {
      const polls = (ep.polls ??= { attempts: 0, max: 0 });
      polls.attempts += outcome.attempts;
      if (outcome.attempts > polls.max) polls.max = outcome.attempts;
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
        checks: new Map(),
        failures: new Map(),
        otherFailures: 0,
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
