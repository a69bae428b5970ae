import { invalidOption } from '../../common/perflab-error.js';
import { E_OPTION } from '../error-codes.js';
import type { Segment } from '../types.js';

/** Parses `2/3` (the second of three segments, 1-based). */
export function parseSegment(text: string): Segment {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const segment = m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
  if (!segment || !validSegment(segment))
    throw invalidOption(E_OPTION, 'segment', 'i/N with 1 <= i <= N, e.g. 1/3', text);
  return segment;
}

export function validSegment(s: Segment): boolean {
  return (
    Number.isInteger(s.index) &&
    Number.isInteger(s.count) &&
    s.count >= 1 &&
    s.index >= 1 &&
    s.index <= s.count
  );
}

/**
 * This segment's share of `total` things (connections, requests): the
 * remainder goes to the first segments, so the N shares sum to exactly the
 * total, and the split does not depend on anything but i, N and total.
 */
export function segmentShare(total: number, s: Segment | undefined): number {
  if (!s) return total;
  return Math.floor(total / s.count) + (s.index - 1 < total % s.count ? 1 : 0);
}

/**
 * Whether arrival k of the whole plan's timeline belongs to this segment:
 * every N-th arrival, so each segment keeps the plan's shape (constant rate
 * or stages) at 1/N of its rate, and together they send every arrival once.
 */
export function ownsArrival(k: number, s: Segment | undefined): boolean {
  return !s || k % s.count === s.index - 1;
}
