import type { Stage } from '../types.js';

/** A linear change of arrival rate (per second) over a duration. */
export interface Ramp {
  durationMs: number;
  from: number;
  to: number;
}

interface Segment {
  startMs: number;
  durationMs: number;
  /** Rates in arrivals per millisecond at the start and end of the segment. */
  r0: number;
  r1: number;
  /** Arrivals before this segment. */
  before: number;
  count: number;
}

/**
 * The open model's fixed timeline: arrival k is due at `timeOf(k)` ms after
 * the start, whatever happened to earlier arrivals. Rates ramp linearly
 * inside a stage (as in k6's ramping-arrival-rate), so the arrival count is
 * the integral of the rate and each arrival time has a closed form.
 */
export class Timeline {
  readonly segments: Segment[] = [];
  readonly totalMs: number;
  readonly totalArrivals: number;

  constructor(ramps: readonly Ramp[]) {
    let t = 0;
    let before = 0;
    for (const s of ramps) {
      const r0 = s.from / 1000;
      const r1 = s.to / 1000;
      const count = ((r0 + r1) / 2) * s.durationMs;
      this.segments.push({ startMs: t, durationMs: s.durationMs, r0, r1, before, count });
      t += s.durationMs;
      before += count;
    }
    this.totalMs = t;
    this.totalArrivals = Math.floor(before + 1e-9);
  }

  static constant(rate: number, durationMs: number): Timeline {
    return new Timeline([{ durationMs, from: rate, to: rate }]);
  }

  /** Stages ramp from the previous stage's target; the first from `startRate`. */
  static fromStages(stages: readonly Stage[], startRate: number): Timeline {
    let from = startRate;
    return new Timeline(
      stages.map((s) => {
        const ramp = { durationMs: s.durationMs, from, to: s.target };
        from = s.target;
        return ramp;
      }),
    );
  }

  /** Due time of arrival k (0-based), or undefined past the end of the timeline. */
  timeOf(k: number): number | undefined {
    for (const seg of this.segments) {
      if (k >= seg.before + seg.count - 1e-9) continue;
      const x = k - seg.before;
      const slope = (seg.r1 - seg.r0) / seg.durationMs;
      if (Math.abs(slope) < 1e-15) return seg.startMs + x / seg.r0;
      // Solve r0*t + slope*t²/2 = x for the first t >= 0.
      const disc = seg.r0 * seg.r0 + 2 * slope * x;
      return seg.startMs + (-seg.r0 + Math.sqrt(Math.max(0, disc))) / slope;
    }
    return undefined;
  }

  /** Arrival rate (per second) at time t ms. */
  rateAt(tMs: number): number {
    for (const seg of this.segments) {
      if (tMs < seg.startMs + seg.durationMs) {
        return (seg.r0 + ((seg.r1 - seg.r0) * (tMs - seg.startMs)) / seg.durationMs) * 1000;
      }
    }
    return 0;
  }
}
