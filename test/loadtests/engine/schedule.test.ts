import { describe, expect, it } from 'vitest';
import { Timeline } from '../../../loadtests/engine/schedule.js';

function allTimes(t: Timeline): number[] {
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const at = t.timeOf(k);
    if (at === undefined) return out;
    out.push(at);
  }
}

describe('Timeline', () => {
  it('spaces a constant rate evenly on a fixed grid', () => {
    const t = Timeline.constant(100, 1000);
    const times = allTimes(t);
    expect(times).toHaveLength(100);
    expect(times[0]).toBe(0);
    expect(times[1]).toBeCloseTo(10);
    expect(times[99]).toBeCloseTo(990);
  });

  it('ramps: the arrival count is the integral of the rate', () => {
    // 0 → 100/s over 2 s then 100/s for 1 s: 100 + 100 arrivals.
    const t = Timeline.fromStages(
      [
        { durationMs: 2000, target: 100 },
        { durationMs: 1000, target: 100 },
      ],
      0,
    );
    const times = allTimes(t);
    expect(times).toHaveLength(200);
    expect(t.totalMs).toBe(3000);
    // Half of the ramp's arrivals come in its last 30%: rate grows linearly.
    expect(times.filter((x) => x < 1000)).toHaveLength(25);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
  });

  it('ramps down to zero without producing arrivals past the end', () => {
    const t = Timeline.fromStages([{ durationMs: 1000, target: 0 }], 200);
    const times = allTimes(t);
    expect(times).toHaveLength(100);
    expect(Math.max(...times)).toBeLessThan(1000);
    expect(t.rateAt(500)).toBeCloseTo(100);
  });
});
