import { describe, expect, it } from 'vitest';
import { mergeResults } from '../../../loadtests/result/merge.js';
import { parseResult } from '../../../loadtests/result/result-file.js';
import { fakeResult, latencies } from '../helpers/fake-result.js';

describe('mergeResults', () => {
  const a = latencies(3000, 11, 40);
  const b = latencies(1000, 97, 400);

  it('gives exactly the percentiles of all requests together (HDR addition)', () => {
    const merged = mergeResults([fakeResult({ api: a }), fakeResult({ api: b })]);
    const together = fakeResult({ api: [...a, ...b] });
    expect(merged.latency).toEqual(together.latency);
    expect(merged.endpoints.api?.latency).toEqual(together.endpoints.api?.latency);
    expect(merged.totals.requests).toBe(4000);
    expect(merged.mergedFrom).toBe(2);
  });

  it('differs from averaging percentiles, which is what it must not do', () => {
    const ra = fakeResult({ api: a });
    const rb = fakeResult({ api: b });
    const merged = mergeResults([ra, rb]);
    const averaged = ((ra.latency.p99 ?? 0) + (rb.latency.p99 ?? 0)) / 2;
    expect(merged.latency.p99).not.toBeCloseTo(averaged, 0);
  });

  it('adds counts, status codes and per-second series, and re-evaluates thresholds', () => {
    const ra = fakeResult(
      { api: a, login: a.slice(0, 10) },
      { thresholds: ['errors<5%', 'rps>1000'], errorsEvery: 10 },
    );
    const rb = fakeResult({ api: b }, { thresholds: ['errors<5%', 'rps>1000'] });
    const merged = parseResult(JSON.parse(JSON.stringify(mergeResults([ra, rb]))));
    expect(merged.endpoints.api?.statusCodes).toEqual({ 200: 2700 + 1000, 500: 300 });
    expect(merged.endpoints.login?.requests).toBe(10);
    expect(merged.series.reduce((s, p) => s + p.requests, 0)).toBe(4010);
    expect(merged.series[0]?.requests).toBe((ra.series[0]?.requests ?? 0) + (rb.series[0]?.requests ?? 0));
    // 2000 req/s over the 2 s both generators ran together: rps adds up.
    expect(merged.totals.rps).toBeCloseTo(2005, 0);
    expect(merged.thresholds.map((t) => [t.expression, t.passed])).toEqual([
      ['errors<5%', false],
      ['rps>1000', true],
    ]);
  });

  it("adds poll steps' attempts, keeps the most one poll took, and the schema keeps them", () => {
    const ra = fakeResult({ settled: [40, 50], api: [1] });
    const rb = fakeResult({ settled: [60] });
    ra.endpoints.settled!.polls = { attempts: 7, max: 4 };
    rb.endpoints.settled!.polls = { attempts: 6, max: 6 };
    const merged = parseResult(JSON.parse(JSON.stringify(mergeResults([ra, rb]))));
    expect(merged.endpoints.settled?.requests).toBe(3);
    expect(merged.endpoints.settled?.polls).toEqual({ attempts: 13, max: 6 });
    expect(merged.endpoints.api?.polls).toBeUndefined();
  });

  it('refuses an empty list', () => {
    expect(() => mergeResults([])).toThrow(expect.objectContaining({ code: 'PERFLAB_E_RESULT_INVALID' }));
  });
});

describe('mergeResults refuses results that are not parts of one test', () => {
  const base = () => fakeResult({ api: latencies(100, 3) });

  it('refuses different scenarios, load models and non-overlapping windows, unless forced', () => {
    const other = { ...base(), scenario: { name: 'browse', description: '' } };
    expect(() => mergeResults([base(), other])).toThrow(/ran scenario "browse", result 1 ran "fake"/);
    const closed = base();
    closed.config = { ...closed.config, model: { kind: 'closed', connections: 10 } };
    expect(() => mergeResults([base(), closed])).toThrow(/PERFLAB_E_MERGE_MISMATCH|load model/);
    const later = { ...base(), startedAt: '2026-01-01T01:00:00.000Z', endedAt: '2026-01-01T01:00:02.000Z' };
    expect(() => mergeResults([base(), later])).toThrow(/did not overlap in time/);
    expect(mergeResults([base(), closed], { force: true }).totals.requests).toBe(200);
    try {
      mergeResults([base(), later]);
    } catch (err) {
      expect((err as { code?: string }).code).toBe('PERFLAB_E_MERGE_MISMATCH');
    }
  });
});
