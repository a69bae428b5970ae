import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownsArrival, parseSegment, segmentShare } from '../../../loadtests/engine/segment.js';

describe('segments', () => {
  it('parses i/N and refuses what is not a segment, saying what to type', () => {
    expect(parseSegment('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '-1/3'])
      expect(() => parseSegment(bad)).toThrow(/i\/N with 1 <= i <= N, e\.g\. 1\/3/);
  });

  it('shares sum to exactly the whole, and every arrival has exactly one owner', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 64 }), (total, count) => {
        const shares = Array.from({ length: count }, (_, i) => segmentShare(total, { index: i + 1, count }));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        for (let k = 0; k < Math.min(total, 100); k++) {
          const owners = shares.filter((_, i) => ownsArrival(k, { index: i + 1, count }));
          expect(owners).toHaveLength(1);
        }
      }),
      { numRuns: 50 },
    );
    expect(segmentShare(10, undefined)).toBe(10);
  });
});
