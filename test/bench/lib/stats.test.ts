import { describe, expect, it } from 'vitest';
import { median, medianInterval } from '../../../bench/lib/stats.js';

describe('medianInterval', () => {
  it('brackets the median and narrows as rounds are added', () => {
    // Ratios spread like this machine's rounds: around 0.91, ±0.06.
    const spread = [0.85, 0.97, 0.9, 0.93, 0.88, 0.95, 0.86, 0.92];
    const few = medianInterval(spread);
    const many = medianInterval([...spread, ...spread, ...spread, ...spread]);
    for (const i of [few, many]) {
      expect(i.low).toBeLessThanOrEqual(median(spread));
      expect(i.high).toBeGreaterThanOrEqual(median(spread));
    }
    expect(many.high - many.low).toBeLessThan(few.high - few.low);
    // Never outside the values themselves.
    expect(few.low).toBeGreaterThanOrEqual(0.85);
    expect(few.high).toBeLessThanOrEqual(0.97);
  });

  it('gives the same interval for the same values, and a point for one value or identical ones', () => {
    const values = [3, 9, 4, 7, 1, 8];
    expect(medianInterval(values)).toEqual(medianInterval(values));
    expect(medianInterval([5])).toEqual({ low: 5, high: 5 });
    expect(medianInterval([2, 2, 2])).toEqual({ low: 2, high: 2 });
  });

  it('is wider at a higher level', () => {
    const values = Array.from({ length: 15 }, (_, i) => (i * 7) % 15);
    const i80 = medianInterval(values, 0.8);
    const i99 = medianInterval(values, 0.99);
    expect(i99.low).toBeLessThanOrEqual(i80.low);
    expect(i99.high).toBeGreaterThanOrEqual(i80.high);
    expect(i99.high - i99.low).toBeGreaterThan(i80.high - i80.low);
  });

  it('refuses no values and a level outside (0, 1)', () => {
    expect(() => medianInterval([])).toThrow(/at least one value/);
    expect(() => medianInterval([1, 2], 1)).toThrow(/level must be between 0 and 1, got 1/);
  });
});
