import { describe, expect, it } from 'vitest';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  recordMicros,
  summarize,
} from '../../../loadtests/stats/histogram.js';

describe('histogram', () => {
  it('summarizes microseconds as milliseconds with 0.1% precision', () => {
    const h = createHistogram();
    for (let us = 1; us <= 10_000; us++) recordMicros(h, us);
    const s = summarize(h);
    expect(s.p50).toBeCloseTo(5, 1);
    expect(s.p99).toBeCloseTo(9.9, 1);
    expect(s.max).toBeCloseTo(10, 1);
    expect(s.min).toBe(0.001);
  });

  it('is all zeros when empty and clamps absurd values', () => {
    const h = createHistogram();
    expect(summarize(h).p99).toBe(0);
    recordMicros(h, 1e12);
    recordMicros(h, -5);
    expect(h.totalCount).toBe(2);
  });

  it('round-trips through its base64 encoding', () => {
    const h = createHistogram();
    for (const v of [3, 50, 700, 12_345, 999_999]) recordMicros(h, v);
    const back = decodeHistogram(encodeHistogram(h));
    expect(summarize(back)).toEqual(summarize(h));
    expect(back.totalCount).toBe(5);
  });
});
