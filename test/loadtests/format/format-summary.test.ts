import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../loadtests/format/format-summary.js';
import { fakeResult, latencies } from '../helpers/fake-result.js';

describe('formatSummary', () => {
  it('prints one row per endpoint plus a total, and the thresholds', () => {
    const r = fakeResult(
      { login: latencies(100, 1), 'orders.list': latencies(50, 2) },
      { thresholds: ['p95<1ms', 'errors<1%'] },
    );
    const text = formatSummary(r);
    expect(text).toMatch(/^login\s+100\s/m);
    expect(text).toMatch(/^orders\.list\s+50\s/m);
    expect(text).toMatch(/^TOTAL\s+150\s/m);
    expect(text).toContain('FAIL  p95<1ms');
    expect(text).toContain('pass  errors<1%');
    expect(text).toContain('server: no figures (test)');
  });

  it('puts server-side percentiles beside the matching endpoint', () => {
    const r = fakeResult({ 'products.get': [1, 2, 3] });
    r.endpoints['products.get']!.sample = 'GET /api/products/42?x=1';
    r.server = {
      available: true,
      scrapes: 3,
      requests: 3,
      routes: { 'GET /api/products/:id': { requests: 3, p50: 0.5, p95: 0.9, p99: 1.25 } },
    };
    const row = formatSummary(r)
      .split('\n')
      .find((l) => l.startsWith('products.get'));
    expect(row).toMatch(/│\s+0\.50\s+0\.90\s+1\.25$/);
    const header = formatSummary(r)
      .split('\n')
      .find((l) => l.startsWith('endpoint'));
    // The separator sits in the same column on every line.
    expect(header?.indexOf('│')).toBe(row?.indexOf('│'));
  });

  it('shouts when the generator could not keep up', () => {
    const r = fakeResult({ a: [1] });
    r.generator = { keptUp: false, reasons: ['send lag p99 30 ms exceeds 5 ms'], dropped: 0, maxInFlight: 1 };
    expect(formatSummary(r)).toContain('!!! GENERATOR COULD NOT KEEP UP');
    expect(formatSummary(r)).toContain('send lag p99 30 ms exceeds 5 ms');
  });
});
