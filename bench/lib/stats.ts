import { prng } from '../../common/prng.js';

/** Median of a non-empty list (mean of the two middle values for even lengths). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Round r runs the contenders rotated by r, so none always goes first
 * (first runs meet a cold server) and each is compared with neighbours
 * measured moments apart on this shared, noisy machine.
 */
export function alternation<T>(contenders: readonly T[], rounds: number): { round: number; contender: T }[] {
  const out: { round: number; contender: T }[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      out.push({ round: r, contender: contenders[(i + r) % contenders.length] as T });
    }
  }
  return out;
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Prints rows as an aligned text table. */
export function printTable(header: string[], rows: string[][]): void {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(w[i] ?? 0) : c.padStart(w[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

/** A range, lowest first. */
export interface Interval {
  low: number;
  high: number;
}

/**
 * A percentile-bootstrap confidence interval for the median of `values`: the
 * rounds resampled with replacement `iterations` times, and the middle `level`
 * of the resampled medians. It says whether a median over rounds resolves a
 * goal (0.90x, +10 ms) or only lands near it, which the lowest and highest
 * round alone cannot. Few rounds give a wide interval, as they should.
 */
export function medianInterval(
  values: readonly number[],
  level = 0.95,
  iterations = 4000,
  seed = 1,
): Interval {
  if (values.length === 0) throw new Error('medianInterval needs at least one value');
  if (!(level > 0 && level < 1)) throw new Error(`level must be between 0 and 1, got ${level}`);
  // Seeded, so the same values give the same interval on every run.
  const random = prng(seed);
  const n = values.length;
  const medians = new Float64Array(iterations);
  const resample = new Array<number>(n);
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < n; j++) resample[j] = values[Math.floor(random() * n)] as number;
    medians[i] = median(resample);
  }
  medians.sort();
  const tail = (1 - level) / 2;
  return {
    low: medians[Math.floor(tail * iterations)] as number,
    high: medians[Math.min(iterations - 1, Math.ceil((1 - tail) * iterations) - 1)] as number,
  };
}
