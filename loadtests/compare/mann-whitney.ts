/**
 * The Mann-Whitney U test and the Hodges–Lehmann interval that goes with it,
 * as Go's benchstat uses them on per-run values: no assumption of normality,
 * robust to the odd slow run. Written here because no maintained npm package
 * gives the exact small-sample distribution together with the interval; the
 * tests check it against published critical values.
 */

const EXACT_MAX = 50;
const cache = new Map<string, Float64Array>();

/** Number of arrangements giving each U for sample sizes n and m, U = 0..n·m (no ties). */
function exactCounts(n: number, m: number): Float64Array {
  const key = n <= m ? `${n},${m}` : `${m},${n}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const [a, b] = n <= m ? [n, m] : [m, n];
  // f[i][j][u]: arrangements of i x's and j y's with statistic u; f(i,j,u) = f(i-1,j,u-j) + f(i,j-1,u).
  let prev: Float64Array[] = Array.from({ length: b + 1 }, () => new Float64Array([1]));
  for (let i = 1; i <= a; i++) {
    const cur: Float64Array[] = [new Float64Array([1])];
    for (let j = 1; j <= b; j++) {
      const row = new Float64Array(i * j + 1);
      const left = cur[j - 1] as Float64Array;
      const up = prev[j] as Float64Array;
      for (let u = 0; u < left.length; u++) row[u] = (row[u] as number) + (left[u] as number);
      for (let u = 0; u < up.length; u++) row[u + j] = (row[u + j] as number) + (up[u] as number);
      cur.push(row);
    }
    prev = cur;
  }
  const counts = prev[b] as Float64Array;
  cache.set(key, counts);
  return counts;
}

function cdfExact(n: number, m: number, u: number): number {
  const c = exactCounts(n, m);
  let total = 0;
  let below = 0;
  for (let k = 0; k < c.length; k++) {
    total += c[k] as number;
    if (k <= u + 1e-9) below += c[k] as number;
  }
  return below / total;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 through erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp((-z * z) / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

export interface MannWhitney {
  /** U of the after sample: pairs where after > before, ties counting one half. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  exact: boolean;
}

/** Two-sided Mann-Whitney U test: exact without ties for up to 50 a side, normal approximation otherwise. */
export function mannWhitney(before: readonly number[], after: readonly number[]): MannWhitney {
  const n = before.length;
  const m = after.length;
  if (n === 0 || m === 0) return { u: 0, p: 1, exact: true };
  let u = 0;
  for (const x of before) for (const y of after) u += y > x ? 1 : y === x ? 0.5 : 0;
  const all = [...before, ...after].sort((a, b) => a - b);
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j] === all[i]) j++;
    const t = j - i;
    tieTerm += t ** 3 - t;
    i = j;
  }
  const mean = (n * m) / 2;
  if (tieTerm === 0 && n <= EXACT_MAX && m <= EXACT_MAX) {
    const lo = cdfExact(n, m, Math.min(u, n * m - u));
    return { u, p: Math.min(1, 2 * lo), exact: true };
  }
  const N = n + m;
  const variance = ((n * m) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  if (variance <= 0) return { u, p: 1, exact: false };
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))), exact: false };
}

/** The smallest two-sided p-value the exact test can reach with n and m runs: 2 / C(n+m, n). */
export function minimumP(n: number, m: number): number {
  let c = 1;
  for (let i = 1; i <= n; i++) c = (c * (m + i)) / i;
  return Math.min(1, 2 / c);
}

/** Smallest k runs a side (k ≥ current) whose exact test can reach p < alpha at all. */
export function runsToReach(alpha: number): number {
  let k = 1;
  while (minimumP(k, k) >= alpha) k++;
  return k;
}

/**
 * Hodges–Lehmann estimate and confidence interval of the shift after − before:
 * the median of all pairwise differences, and the order statistics of those
 * differences that the U distribution's critical value picks. Run on log
 * values it is the ratio after/before. With too few runs for the level asked,
 * the interval is the full range of differences (and says so).
 */
export function hodgesLehmann(
  before: readonly number[],
  after: readonly number[],
  level = 0.95,
): { estimate: number; low: number; high: number; achieved: number } {
  const n = before.length;
  const m = after.length;
  const d: number[] = [];
  for (const x of before) for (const y of after) d.push(y - x);
  d.sort((a, b) => a - b);
  const nm = d.length;
  const mid = nm / 2;
  const estimate =
    nm % 2 === 1 ? (d[Math.floor(mid)] as number) : ((d[mid - 1] as number) + (d[mid] as number)) / 2;
  const alpha = 1 - level;
  // k: the largest count with P(U < k) ≤ alpha/2; the interval is [d_(k), d_(nm-k+1)], 1-based.
  let k = 0;
  if (n <= EXACT_MAX && m <= EXACT_MAX) {
    while (k + 1 <= nm && cdfExact(n, m, k) <= alpha / 2) k++;
  } else {
    const z = 1.959963984540054;
    k = Math.max(0, Math.floor((n * m) / 2 - z * Math.sqrt((n * m * (n + m + 1)) / 12)));
  }
  const lowIdx = Math.max(0, k - 1);
  const achieved =
    k === 0 ? 0 : 1 - 2 * (n <= EXACT_MAX && m <= EXACT_MAX ? cdfExact(n, m, k - 1) : alpha / 2);
  return {
    estimate,
    low: d[k === 0 ? 0 : lowIdx] as number,
    high: d[k === 0 ? nm - 1 : nm - k] as number,
    achieved,
  };
}
