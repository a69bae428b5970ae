/**
 * mulberry32: a tiny, fast seeded generator, good enough for synthetic data
 * and resampling (not for secrets). The same seed gives the same stream, so
 * seeded data and bootstrap intervals repeat from run to run.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
