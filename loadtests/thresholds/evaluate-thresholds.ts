import type { RunResult, ThresholdOutcome } from '../types.js';
import type { Threshold } from './parse-threshold.js';

function measure(t: Threshold, result: RunResult): number | null {
  const scope = t.endpoint === undefined ? undefined : result.endpoints[t.endpoint];
  if (t.endpoint !== undefined && scope === undefined) return null;
  const requests = scope?.requests ?? result.totals.requests;
  const errors = scope?.errors ?? result.totals.errors;
  const latency = scope?.latency ?? result.latency;
  const seconds = result.durationMs / 1000;
  switch (t.metric) {
    case 'errors':
      if (t.unit === 'count') return errors;
      return requests === 0 ? null : (errors / requests) * 100;
    case 'rps':
      return seconds > 0 ? requests / seconds : null;
    case 'requests':
      return requests;
    default:
      return requests === 0 ? null : latency[t.metric];
  }
}

function compare(actual: number, t: Threshold): boolean {
  switch (t.op) {
    case '<':
      return actual < t.limit;
    case '<=':
      return actual <= t.limit;
    case '>':
      return actual > t.limit;
    case '>=':
      return actual >= t.limit;
  }
}

/** Pure: a threshold with nothing to measure (unknown endpoint, no requests) fails. */
export function evaluateThresholds(thresholds: readonly Threshold[], result: RunResult): ThresholdOutcome[] {
  return thresholds.map((t) => {
    const actual = measure(t, result);
    const rounded = actual === null ? null : Math.round(actual * 1000) / 1000;
    return {
      expression: t.expression,
      ...(t.endpoint !== undefined ? { endpoint: t.endpoint } : {}),
      metric: t.metric,
      actual: rounded,
      passed: actual !== null && compare(actual, t),
    };
  });
}
