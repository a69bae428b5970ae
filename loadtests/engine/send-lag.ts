/** Below this many measured arrivals a p99 is one of the last few samples: the max, not a tail. */
export const MIN_LAG_SAMPLES = 200;

/**
 * When send lag means the schedule was not kept. A p99 from a few dozen
 * arrivals is their max (one GC pause), so it is not judged; and a lag well
 * under the gap between arrivals (6 ms at 20 flows/s, 50 ms apart) still
 * sends every arrival in its slot's neighbourhood and in order, so the limit
 * is the larger of maxSendLagMs and a quarter of that gap.
 */
export function sendLagReasons(
  p99: number,
  samples: number,
  gapMs: number | undefined,
  maxSendLagMs: number,
): string[] {
  if (samples < MIN_LAG_SAMPLES) return [];
  const limit = Math.max(maxSendLagMs, (gapMs ?? 0) / 4);
  if (p99 <= limit) return [];
  const why = limit > maxSendLagMs ? ` (a quarter of the ${gapMs?.toFixed(1)} ms between arrivals)` : '';
  return [`send lag p99 ${p99} ms exceeds ${+limit.toFixed(3)} ms${why} over ${samples} arrivals`];
}
