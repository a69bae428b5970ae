import { PerflabError } from '../../common/perflab-error.js';
import { E_THRESHOLD_SYNTAX } from '../error-codes.js';

export type ThresholdMetric =
  'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'min' | 'max' | 'mean' | 'errors' | 'rps' | 'requests';
export type Comparison = '<' | '<=' | '>' | '>=';

export interface Threshold {
  expression: string;
  endpoint?: string;
  metric: ThresholdMetric;
  /** `errors` with `%` compares the error rate; without it, the error count. */
  unit: 'ms' | 'percent' | 'count' | 'rps';
  op: Comparison;
  /** Latency limits in ms, rates in percent, counts as is. */
  limit: number;
}

const LATENCY = new Set(['p50', 'p90', 'p95', 'p99', 'p999', 'min', 'max', 'mean', 'avg']);
const GRAMMAR = /^(?:([^:<>=\s]+):)?(\w+)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*(ms|s|us|%)?$/;
const HELP = 'expected [endpoint:]metric<op>value, e.g. p95<200ms, errors<1%, orders:p99<500ms, rps>100';

function syntax(expression: string, why: string): PerflabError {
  return new PerflabError(E_THRESHOLD_SYNTAX, `threshold "${expression}": ${why}; ${HELP}`);
}

export function parseThreshold(expression: string): Threshold {
  const m = GRAMMAR.exec(expression.trim());
  if (!m) throw syntax(expression, 'cannot parse');
  const [, endpoint, rawMetric = '', op = '<', rawValue = '0', unit] = m;
  const metric = (rawMetric === 'avg' ? 'mean' : rawMetric) as ThresholdMetric;
  const value = Number(rawValue);
  const base = { expression, ...(endpoint ? { endpoint } : {}), metric, op: op as Comparison };
  if (LATENCY.has(rawMetric)) {
    if (unit === '%') throw syntax(expression, `a latency (${rawMetric}) takes ms, s or us, not %`);
    const factor = unit === 's' ? 1000 : unit === 'us' ? 0.001 : 1;
    return { ...base, unit: 'ms', limit: value * factor };
  }
  if (metric === 'errors') {
    if (unit !== undefined && unit !== '%')
      throw syntax(expression, 'errors take % (a rate) or no unit (a count)');
    return { ...base, unit: unit === '%' ? 'percent' : 'count', limit: value };
  }
  if (metric === 'rps' || metric === 'requests') {
    if (unit !== undefined) throw syntax(expression, `${metric} takes no unit`);
    return { ...base, unit: metric === 'rps' ? 'rps' : 'count', limit: value };
  }
  throw syntax(expression, `unknown metric "${rawMetric}"`);
}

/** Parses all thresholds up front so a typo fails before any load is sent. */
export function parseThresholds(expressions: readonly string[]): Threshold[] {
  return expressions.map(parseThreshold);
}
