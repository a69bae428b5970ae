import { describe, expect, it } from 'vitest';
import { parseThreshold } from '../../../loadtests/thresholds/parse-threshold.js';

describe('parseThreshold', () => {
  it.each([
    ['p95<200ms', { metric: 'p95', op: '<', limit: 200, unit: 'ms' }],
    ['p99 <= 1.5s', { metric: 'p99', op: '<=', limit: 1500, unit: 'ms' }],
    ['avg<900us', { metric: 'mean', limit: 0.9 }],
    ['p50<20', { metric: 'p50', limit: 20, unit: 'ms' }],
    ['errors<1%', { metric: 'errors', unit: 'percent', limit: 1 }],
    ['errors<=3', { metric: 'errors', unit: 'count', limit: 3 }],
    ['rps>100', { metric: 'rps', op: '>', limit: 100 }],
    ['orders:p99<500ms', { endpoint: 'orders', metric: 'p99', limit: 500 }],
    ['orders.create:errors<0.5%', { endpoint: 'orders.create', metric: 'errors', limit: 0.5 }],
  ])('parses %s', (expr, expected) => {
    expect(parseThreshold(expr)).toMatchObject({ expression: expr, ...expected });
  });

  it.each([
    ['p95', 'cannot parse'],
    ['p95<<3', 'cannot parse'],
    ['p95<1%', 'a latency (p95) takes ms, s or us'],
    ['errors<3ms', 'errors take %'],
    ['rps>10ms', 'rps takes no unit'],
    ['latency<3ms', 'unknown metric "latency"'],
  ])('rejects %s naming it', (expr, why) => {
    expect(() => parseThreshold(expr)).toThrow(`threshold "${expr}": ${why}`);
    expect(() => parseThreshold(expr)).toThrow(
      expect.objectContaining({ code: 'PERFLAB_E_THRESHOLD_SYNTAX' }),
    );
  });
});
