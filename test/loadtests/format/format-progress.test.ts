import { describe, expect, it } from 'vitest';
import { formatProgress } from '../../../loadtests/format/format-progress.js';

const snap = {
  elapsedMs: 10_000,
  remainingMs: 20_000,
  warmingUp: false,
  requests: 5000,
  errors: 2,
  rps: 498,
  p99: 12.34,
  inFlight: 3,
};

describe('formatProgress', () => {
  it('draws a bar with elapsed/total on a TTY', () => {
    expect(formatProgress(snap, true)).toBe(
      '[########----------------] 10s/30s  498 req/s  p99 12.3 ms  errors 2  in flight 3',
    );
  });

  it('prints a plain line otherwise', () => {
    expect(formatProgress(snap, false)).toBe(
      '10s elapsed, 20s left: 5000 requests, 498 req/s, p99 12.3 ms, errors 2, in flight 3',
    );
  });

  it('handles count-bounded runs and warm-up', () => {
    expect(formatProgress({ ...snap, remainingMs: undefined }, true)).toMatch(/^\[running\] 10s /);
    expect(formatProgress({ ...snap, warmingUp: true }, false)).toBe('warming up, 3 in flight');
  });

  it('shows the planned total even when elapsed + remaining falls a float hair short of it', () => {
    // From run.ts: windowStart + 2500 - windowStart with a fractional clock reading.
    const start = 32_454.330_946_520_236;
    const end = start + 2500;
    const now = start + 1000.25;
    expect(now - start + (end - now)).not.toBe(2500); // the float sum itself misses
    const line = formatProgress({ ...snap, elapsedMs: now - start, remainingMs: end - now }, true);
    expect(line).toMatch(/^\[#*-*\] 1s\/3s /);
  });
});
