import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wallMs } from '../../../probes/tracing/wall-clock.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('wallMs', () => {
  it('turns a performance.now() reading into Date.now() time, to the millisecond', () => {
    const before = Date.now();
    const at = wallMs(performance.now());
    const after = Date.now();
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThan(after + 1);
  });

  it('keeps the order and spacing of readings', () => {
    const a = performance.now();
    const b = a + 250;
    expect(wallMs(b) - wallMs(a)).toBeCloseTo(250, 6);
  });

  it('follows a step of the wall clock once a second of monotonic time has passed', () => {
    const step = 3_600_000; // the wall clock jumps an hour ahead (NTP, or a suspend)
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + step);
    // A reading a second or more after the last check makes wallMs compare the clocks again.
    const reading = performance.now() + 1_500;
    const expected = Date.now() + 1_500;
    expect(Math.abs(wallMs(reading) - expected)).toBeLessThan(1.5);
    // And it stays there for later readings.
    const later = performance.now();
    expect(Math.abs(wallMs(later) - Date.now())).toBeLessThan(1.5);
  });
});
