import { describe, expect, it } from 'vitest';
import { evaluateThresholds } from '../../../loadtests/thresholds/evaluate-thresholds.js';
import { parseThresholds } from '../../../loadtests/thresholds/parse-threshold.js';
import { fakeResult } from '../helpers/fake-result.js';

describe('evaluateThresholds', () => {
  // 100 requests to "orders" at 1..100 ms, 100 to "home" at 1 ms; 10% of orders fail.
  const result = fakeResult(
    { orders: Array.from({ length: 100 }, (_, i) => i + 1), home: Array.from({ length: 100 }, () => 1) },
    { seconds: 2, errorsEvery: 10 },
  );
  const check = (...exprs: string[]) => evaluateThresholds(parseThresholds(exprs), result);

  it('compares latency, error rate, error count and rps with the measured value', () => {
    const out = check(
      'orders:p99<50ms',
      'home:p99<50ms',
      'errors<1%',
      'errors<=20',
      'rps>50',
      'requests>=200',
    );
    expect(out.map((o) => o.passed)).toEqual([false, true, false, true, true, true]);
    expect(out[0]?.actual).toBeCloseTo(99, 0);
    expect(out[2]?.actual).toBe(10);
    expect(out[4]?.actual).toBe(100);
  });

  it('fails a threshold on an endpoint that does not exist', () => {
    expect(check('nope:p95<1s')[0]).toMatchObject({ passed: false, actual: null, endpoint: 'nope' });
  });
});
