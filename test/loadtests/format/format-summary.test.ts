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
      routes: {
        'GET /api/products/:id': {
          requests: 3,
          p50: 0.5,
          p95: 0.9,
          p99: 1.25,
          buckets: { p50: { gt: 0, le: 1 }, p95: { gt: 0, le: 1 }, p99: { gt: 1, le: 2.5 } },
        },
      },
    };
    const row = formatSummary(r)
      .split('\n')
      .find((l) => l.startsWith('products.get'));
    // Bucket bounds, never the interpolated 0.50 / 0.90 / 1.25 printed as if measured.
    expect(row).toMatch(/│\s+≤1\.00\s+≤1\.00\s+≤2\.50$/);
    const header = formatSummary(r)
      .split('\n')
      .find((l) => l.startsWith('endpoint'));
    // The separator sits in the same column on every line.
    expect(header?.indexOf('│')).toBe(row?.indexOf('│'));
  });

  it('marks a route shared by several steps and names them under the table', () => {
    const r = fakeResult({ 'products.page': [1, 2], 'products.search': [3, 4], 'products.get': [1] });
    r.endpoints['products.page']!.sample = 'GET /api/products?cursor=x';
    r.endpoints['products.search']!.sample = 'GET /api/products?q=lamp';
    r.endpoints['products.get']!.sample = 'GET /api/products/7';
    const b = { gt: 2.5, le: 5 };
    r.server = {
      available: true,
      scrapes: 2,
      requests: 5,
      routes: {
        'GET /api/products': { requests: 4, p50: 3, p95: 4.8, p99: 4.9, buckets: { p50: b, p95: b, p99: b } },
        'GET /api/products/:id': {
          requests: 1,
          p50: 1,
          p95: 1,
          p99: 1,
          buckets: { p50: null, p95: null, p99: { gt: 10000, le: null } },
        },
      },
    };
    const lines = formatSummary(r).split('\n');
    expect(lines.find((l) => l.startsWith('products.page'))).toMatch(/≤5\.00\*\s+≤5\.00\*\s+≤5\.00\*$/);
    expect(lines.find((l) => l.startsWith('products.search'))).toMatch(/≤5\.00\*$/);
    expect(lines.find((l) => l.startsWith('products.get'))).toMatch(/>10000$/);
    expect(lines).toContain(
      '* GET /api/products serves products.page and products.search: its server figures cover them together',
    );
  });

  it('says a poll step times its condition and how many requests its polls sent', () => {
    const r = fakeResult({ 'saga.settled': [40, 60, 80, 120], 'orders.create': [5, 6, 7, 8] });
    r.endpoints['saga.settled']!.polls = { attempts: 10, max: 4 };
    const lines = formatSummary(r).split('\n');
    expect(lines).toContain(
      'saga.settled polls until its condition: latency is the time to it; 10 requests for 4 polls (2.5 per poll, at most 4)',
    );
    expect(lines.filter((l) => l.includes('polls until'))).toHaveLength(1);
  });

  it('shouts when the generator could not keep up', () => {
    const r = fakeResult({ a: [1] });
    r.generator = { keptUp: false, reasons: ['send lag p99 30 ms exceeds 5 ms'], dropped: 0, maxInFlight: 1 };
    expect(formatSummary(r)).toContain('!!! GENERATOR COULD NOT KEEP UP');
    expect(formatSummary(r)).toContain('send lag p99 30 ms exceeds 5 ms');
  });
});
