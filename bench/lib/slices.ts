import { median } from './stats.js';

/** One slice of bench:probes-toggle: what one process did with the probes on or off. */
export interface Slice {
  on: boolean;
  /** Requests that arrived during the slice. */
  requests: number;
  /** Process CPU time over the slice, µs. */
  cpuMicros: number;
  /** Requests the probes recorded during the slice. */
  probed: number;
}

export interface SliceSummary {
  pairs: number;
  /** Median over "on" slices of their CPU per request minus the mean of their two "off" neighbours, µs. */
  addedMicros: number;
  q1: number;
  q3: number;
  /** Median CPU per request of the "off" slices, µs. */
  offMicros: number;
  /** offMicros / (offMicros + addedMicros): the throughput ratio that CPU cost implies. */
  ratio: number;
}

/**
 * Pairs each "on" slice with the "off" slices on either side of it, after
 * skipping `skip` warm-up slices. Slices with no requests are left out.
 */
export function summarizeSlices(slices: readonly Slice[], skip: number): SliceSummary {
  const per = (s: Slice): number => s.cpuMicros / s.requests;
  const diffs: number[] = [];
  const offs: number[] = [];
  for (let i = skip; i < slices.length; i++) {
    const s = slices[i]!;
    if (s.requests === 0) continue;
    if (!s.on) {
      offs.push(per(s));
      continue;
    }
    const before = slices[i - 1];
    const after = slices[i + 1];
    if (i - 1 < skip || !before || !after || before.on || after.on) continue;
    if (before.requests === 0 || after.requests === 0) continue;
    diffs.push(per(s) - (per(before) + per(after)) / 2);
  }
  if (diffs.length === 0 || offs.length === 0) {
    throw new Error(`no on/off pairs after skipping ${skip} of ${slices.length} slices`);
  }
  const sorted = [...diffs].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.round(p * (sorted.length - 1))]!;
  const addedMicros = median(diffs);
  const offMicros = median(offs);
  return {
    pairs: diffs.length,
    addedMicros,
    q1: at(0.25),
    q3: at(0.75),
    offMicros,
    ratio: offMicros / (offMicros + addedMicros),
  };
}
