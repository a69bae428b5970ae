import { describe, expect, it } from 'vitest';
import { summarizeSlices, type Slice } from '../../../bench/lib/slices.js';

const slice = (on: boolean, cpuPerRequest: number, requests = 100): Slice => ({
  on,
  requests,
  cpuMicros: cpuPerRequest * requests,
  probed: on ? requests : 0,
});

describe('summarizeSlices', () => {
  it('gives each "on" slice the mean of its two "off" neighbours, after the warm-up', () => {
    const slices = [
      slice(false, 5000), // warm-up, skipped
      slice(true, 9000), // warm-up, skipped
      slice(false, 700),
      slice(true, 780), // neighbours 700 and 720: +70
      slice(false, 720),
      slice(true, 800), // neighbours 720 and 760: +60
      slice(false, 760),
      slice(true, 900), // no "off" slice after it: not paired
    ];
    const s = summarizeSlices(slices, 2);
    expect(s.pairs).toBe(2);
    expect(s.addedMicros).toBe(65);
    expect(s.q1).toBe(60);
    expect(s.q3).toBe(70);
    expect(s.offMicros).toBe(720);
    expect(s.ratio).toBeCloseTo(720 / 785, 6);
  });

  it('leaves out slices without requests and pairs that would reach into the warm-up', () => {
    const slices = [slice(true, 5000), slice(false, 700), slice(true, 800, 0), slice(false, 700)];
    expect(() => summarizeSlices(slices, 1)).toThrow('no on/off pairs after skipping 1 of 4 slices');
    const warm = [slice(false, 100), slice(true, 800), slice(false, 700)];
    expect(() => summarizeSlices(warm, 1)).toThrow(/no on\/off pairs/);
  });
});
