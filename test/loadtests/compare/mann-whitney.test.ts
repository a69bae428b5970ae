import { describe, expect, it } from 'vitest';
import {
  hodgesLehmann,
  mannWhitney,
  minimumP,
  runsToReach,
} from '../../../loadtests/compare/mann-whitney.js';

describe('mannWhitney', () => {
  it("matches R's exact wilcox.test on its own example (W = 35, p = 0.2544)", () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const r = mannWhitney(y, x);
    expect(r.u).toBe(35);
    expect(r.exact).toBe(true);
    expect(r.p).toBeCloseTo(0.2544, 4);
  });

  it('matches the published critical value for 5 a side at 0.05 (U ≤ 2 significant, U = 3 not)', () => {
    const before = [10, 11, 12, 13, 14];
    // U = 2: two after values beat one before value each; P(U ≤ 2) = 4/252, two-sided 8/252.
    const two = mannWhitney(before, [1, 2, 3, 10.5, 10.6]);
    expect(two.u).toBe(2);
    expect(two.p).toBeCloseTo(8 / 252, 6);
    expect(two.p).toBeLessThan(0.05);
    const three = mannWhitney(before, [1, 2, 3, 10.5, 11.5]);
    expect(three.u).toBe(3);
    expect(three.p).toBeCloseTo(14 / 252, 6);
    expect(three.p).toBeGreaterThan(0.05);
  });

  it('falls back to the normal approximation with ties, and calls all-equal samples unchanged', () => {
    const r = mannWhitney([1, 2, 2, 3, 4, 5], [2, 3, 3, 4, 6, 7]);
    expect(r.exact).toBe(false);
    expect(r.p).toBeGreaterThan(0.05);
    expect(mannWhitney([0, 0, 0], [0, 0, 0]).p).toBe(1);
  });

  it('knows the least p-value a number of runs can reach', () => {
    expect(minimumP(3, 3)).toBeCloseTo(0.1, 10);
    expect(minimumP(4, 4)).toBeCloseTo(2 / 70, 10);
    expect(runsToReach(0.05)).toBe(4);
  });
});

describe('hodgesLehmann', () => {
  it('estimates a pure shift exactly and brackets it', () => {
    const before = [3, 1, 4, 1.5, 5, 9, 2.6];
    const after = before.map((v) => v + 2);
    const hl = hodgesLehmann(before, after);
    expect(hl.estimate).toBe(2);
    expect(hl.low).toBeLessThanOrEqual(2);
    expect(hl.high).toBeGreaterThanOrEqual(2);
    expect(hl.achieved).toBeGreaterThanOrEqual(0.95);
  });

  it('uses the order statistics the U distribution picks (5 a side: the 3rd and 23rd of 25 differences)', () => {
    const hl = hodgesLehmann([0, 0, 0, 0, 0], [1, 2, 3, 4, 5]);
    // All 25 differences are 1..5, five of each: the 3rd is 1 and the 23rd is 5.
    expect([hl.low, hl.high]).toEqual([1, 5]);
    expect(hl.achieved).toBeCloseTo(1 - 2 * (4 / 252), 6);
  });
});
