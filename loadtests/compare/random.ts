/**
 * Draws from the distributions the bootstrap and the power simulation need,
 * on top of the project's one seeded generator (common/prng.ts), so every
 * interval and every simulated figure repeats from run to run.
 */
export type Uniform = () => number;

/** Standard normal, Box–Muller. */
export function normal(u: Uniform): number {
  const a = Math.max(u(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape, 1), Marsaglia–Tsang; shape < 1 through the boost Gamma(shape+1)·U^(1/shape). */
export function gamma(u: Uniform, shape: number): number {
  if (shape < 1) return gamma(u, shape + 1) * Math.pow(Math.max(u(), Number.MIN_VALUE), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as Gamma(a) / (Gamma(a) + Gamma(b)). */
export function beta(u: Uniform, a: number, b: number): number {
  const x = gamma(u, a);
  const y = gamma(u, b);
  return x / (x + y);
}

/** Poisson(lambda): Knuth's product method when small, a rounded normal when large. */
export function poisson(u: Uniform, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(u)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = u();
  while (p > limit) {
    k++;
    p *= u();
  }
  return k;
}

/** The q-quantile (0..1) of values, linear between order statistics. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
