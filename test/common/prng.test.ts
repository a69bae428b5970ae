import { describe, expect, it } from 'vitest';
import { prng } from '../../common/prng.js';

describe('prng', () => {
  it('repeats its stream for a seed, differs across seeds, and stays in [0, 1)', () => {
    const take = (seed: number): number[] => {
      const r = prng(seed);
      return Array.from({ length: 1000 }, () => r());
    };
    const a = take(42);
    expect(take(42)).toEqual(a);
    expect(take(43)).not.toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    // Spread over the range, not stuck in a corner.
    expect(a.filter((x) => x < 0.5).length).toBeGreaterThan(400);
    expect(a.filter((x) => x < 0.5).length).toBeLessThan(600);
  });
});
