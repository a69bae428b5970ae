import type { ServerFigures, ServerRouteFigures } from '../types.js';
import * as M from './metric-names.js';
import type { Sample } from './parse-prometheus.js';

export interface Bucket {
  le: number;
  count: number;
}

/** Prometheus' histogram_quantile: linear interpolation inside the bucket holding the rank. */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted[sorted.length - 1]?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket <= 0 ? b.le : prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/** The bucket holding the rank of quantile q, in the buckets' unit; null for an empty histogram. */
export function quantileBucket(
  q: number,
  buckets: readonly Bucket[],
): { gt: number; le: number | null } | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted[sorted.length - 1]?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0;
  for (const b of sorted) {
    if (b.count >= rank && b.count > 0) return { gt: prevLe, le: b.le === Infinity ? null : b.le };
    prevLe = b.le;
  }
  return { gt: prevLe, le: null };
}

const key = (s: Sample): string =>
  s.name +
  JSON.stringify(
    Object.keys(s.labels)
      .sort()
      .map((k) => [k, s.labels[k]]),
  );

/** Counter delta between two scrapes; a counter that went down means the target restarted. */
function deltas(first: readonly Sample[], last: readonly Sample[], name: string): Sample[] {
  const before = new Map(first.filter((s) => s.name === name).map((s) => [key(s), s.value]));
  return last
    .filter((s) => s.name === name)
    .map((s) => {
      const b = before.get(key(s)) ?? 0;
      return { ...s, value: s.value >= b ? s.value - b : s.value };
    });
}

function sumDelta(first: readonly Sample[], last: readonly Sample[], name: string): number | null {
  const d = deltas(first, last, name);
  return d.length === 0 ? null : d.reduce((s, x) => s + x.value, 0);
}

export interface Peaks {
  eventLoopLagP99: number | null;
  heap: number | null;
  rss: number | null;
}

/** Running maxima of gauges over every scrape. */
export function updatePeaks(peaks: Peaks, samples: readonly Sample[]): Peaks {
  const max = (cur: number | null, name: string): number | null =>
    samples
      .filter((s) => s.name === name && Number.isFinite(s.value))
      .reduce<number | null>((m, s) => (m === null || s.value > m ? s.value : m), cur);
  return {
    eventLoopLagP99: max(peaks.eventLoopLagP99, M.EVENT_LOOP_LAG_P99),
    heap: max(peaks.heap, M.HEAP_USED),
    rss: max(peaks.rss, M.RSS),
  };
}

/**
 * A labelled counter has no series until its first increment, so an app with an
 * instrumented database (its query histogram is there) and no slow-query series
 * had none: that is 0, not "unknown".
 */
function slowQueries(first: readonly Sample[], last: readonly Sample[]): number | null {
  const delta = sumDelta(first, last, M.SLOW_QUERIES);
  if (delta !== null) return delta;
  return last.some((s) => s.name === M.DB_DURATION_COUNT) ? 0 : null;
}

const ms = (seconds: number | null): number | null =>
  seconds === null ? null : Math.round(seconds * 1e6) / 1e3;

function bucketMs(q: number, buckets: readonly Bucket[]): { gt: number; le: number | null } | null {
  const b = quantileBucket(q, buckets);
  return b && { gt: ms(b.gt) ?? 0, le: b.le === null ? null : ms(b.le) };
}

/** Pure: server-side figures from the first and last scrape plus the gauge peaks seen in between. */
export function serverFigures(
  first: readonly Sample[],
  last: readonly Sample[],
  peaks: Peaks,
  scrapes: number,
): ServerFigures {
  const byRoute = new Map<string, Map<number, number>>();
  for (const s of deltas(first, last, M.HTTP_DURATION_BUCKET)) {
    const route = `${s.labels[M.LABEL_METHOD] ?? ''} ${s.labels[M.LABEL_ROUTE] ?? '(none)'}`.trim();
    const le = s.labels[M.LABEL_LE] === '+Inf' ? Infinity : Number(s.labels[M.LABEL_LE]);
    const buckets = byRoute.get(route) ?? new Map<number, number>();
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    byRoute.set(route, buckets);
  }
  const routes: Record<string, ServerRouteFigures> = {};
  let requests = 0;
  for (const [route, map] of byRoute) {
    const buckets = [...map].map(([le, count]) => ({ le, count }));
    const count = map.get(Infinity) ?? 0;
    if (count === 0) continue;
    requests += count;
    routes[route] = {
      requests: count,
      p50: ms(histogramQuantile(0.5, buckets)),
      p95: ms(histogramQuantile(0.95, buckets)),
      p99: ms(histogramQuantile(0.99, buckets)),
      buckets: { p50: bucketMs(0.5, buckets), p95: bucketMs(0.95, buckets), p99: bucketMs(0.99, buckets) },
    };
  }
  const cpu = sumDelta(first, last, M.CPU_SECONDS);
  return {
    available: true,
    scrapes,
    requests,
    routes,
    slowQueries: slowQueries(first, last),
    eventLoopLagP99Ms: ms(peaks.eventLoopLagP99),
    peakHeapBytes: peaks.heap,
    peakRssBytes: peaks.rss,
    cpuSeconds: cpu === null ? null : Math.round(cpu * 1000) / 1000,
  };
}
