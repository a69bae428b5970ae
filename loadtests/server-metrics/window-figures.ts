import type { ServerFigures, ServerSeriesPoint } from '../types.js';
import * as M from './metric-names.js';
import type { Sample } from './parse-prometheus.js';

/** One successful scrape and when its answer arrived (performance.now() clock, ms). */
export interface Scrape {
  atMs: number;
  samples: Sample[];
}

const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

const routeOf = (s: Sample): string =>
  `${s.labels[M.LABEL_METHOD] ?? ''} ${s.labels[M.LABEL_ROUTE] ?? '(none)'}`.trim();

/** Sum of a counter's growth between two scrapes, optionally grouped; a reset counts from zero. */
function growth(
  first: readonly Sample[],
  last: readonly Sample[],
  name: string,
  group: (s: Sample) => string = () => '',
): Map<string, number> {
  const key = (s: Sample): string => JSON.stringify(Object.entries(s.labels).sort());
  const before = new Map(first.filter((s) => s.name === name).map((s) => [key(s), s.value]));
  const out = new Map<string, number>();
  for (const s of last) {
    if (s.name !== name) continue;
    const b = before.get(key(s)) ?? 0;
    const d = s.value >= b ? s.value - b : s.value;
    out.set(group(s), (out.get(group(s)) ?? 0) + d);
  }
  return out;
}

const gauge = (samples: readonly Sample[], name: string): number | null => {
  const values = samples.filter((s) => s.name === name && Number.isFinite(s.value)).map((s) => s.value);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
};

function ratio(num: number | undefined, den: number | undefined, scale = 1): number | null {
  return num === undefined || den === undefined || den <= 0 ? null : round((num * scale) / den);
}

/** Queries and DB time per request between two scrapes: overall, and queries per route. */
export function perRequestFigures(first: readonly Sample[], last: readonly Sample[]) {
  const httpCount = growth(first, last, M.HTTP_DURATION_COUNT).get('');
  const querySum = growth(first, last, `${M.DB_QUERIES_PER_REQUEST}_sum`, routeOf);
  const queryCount = growth(first, last, `${M.DB_QUERIES_PER_REQUEST}_count`, routeOf);
  const dbSeconds = growth(first, last, `${M.DB_DURATION}_sum`).get('');
  const routes: Record<string, number | null> = {};
  for (const [route, count] of queryCount) routes[route] = ratio(querySum.get(route), count);
  const totalQueries = [...querySum.values()].reduce((a, b) => a + b, 0);
  const totalCounted = [...queryCount.values()].reduce((a, b) => a + b, 0);
  return {
    requests: httpCount ?? 0,
    queriesPerRequest: queryCount.size === 0 ? null : ratio(totalQueries, totalCounted),
    dbTimePerRequestMs: ratio(dbSeconds, httpCount, 1000),
    routeQueries: routes,
  };
}

/** One point of the server series: gauges at `cur`, rates over the interval since `prev`. */
export function seriesPoint(prev: Scrape, cur: Scrape, windowStartMs: number): ServerSeriesPoint {
  const per = perRequestFigures(prev.samples, cur.samples);
  const lag = gauge(cur.samples, M.EVENT_LOOP_LAG_P99);
  return {
    second: round((cur.atMs - windowStartMs) / 1000),
    requests: per.requests,
    eventLoopLagP99Ms: lag === null ? null : round(lag * 1000),
    heapBytes: gauge(cur.samples, M.HEAP_USED),
    rssBytes: gauge(cur.samples, M.RSS),
    poolPending: gauge(cur.samples, M.POOL_PENDING),
    queriesPerRequest: per.queriesPerRequest,
    dbTimePerRequestMs: per.dbTimePerRequestMs,
  };
}

/**
 * Heap growth over the window: the least-squares slope of the heap gauge times
 * the window's length, so one collection right before the last scrape does not
 * hide steady growth the way a plain last-minus-first would.
 */
export function heapGrowth(points: readonly { second: number; heapBytes: number | null }[]): number | null {
  const xy = points.filter((p) => p.heapBytes !== null) as { second: number; heapBytes: number }[];
  if (xy.length < 2) return null;
  const n = xy.length;
  const mx = xy.reduce((s, p) => s + p.second, 0) / n;
  const my = xy.reduce((s, p) => s + p.heapBytes, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of xy) {
    sxy += (p.second - mx) * (p.heapBytes - my);
    sxx += (p.second - mx) ** 2;
  }
  if (sxx === 0) return null;
  const span = (xy[n - 1] as { second: number }).second - (xy[0] as { second: number }).second;
  return Math.round((sxy / sxx) * span);
}

/**
 * The figures added on top of `serverFigures` from the scrapes at the edges
 * of the measured window and those in between.
 */
export function windowFigures(
  scrapes: readonly Scrape[],
  windowStartMs: number,
  windowEndMs: number,
): { figures: Partial<ServerFigures>; routeQueries: Record<string, number | null> } {
  const first = scrapes[0];
  const last = scrapes[scrapes.length - 1];
  if (!first || !last || scrapes.length < 2) return { figures: {}, routeQueries: {} };
  const per = perRequestFigures(first.samples, last.samples);
  const start: ServerSeriesPoint = { ...seriesPoint(first, first, windowStartMs), requests: 0 };
  const series = [
    start,
    ...scrapes.slice(1).map((s, i) => seriesPoint(scrapes[i] as Scrape, s, windowStartMs)),
  ];
  // The start scrape's pending gauge belongs to the warm-up; every later one is inside the window.
  const pending = series
    .slice(1)
    .map((p) => p.poolPending)
    .filter((v): v is number => v !== null);
  const figures: Partial<ServerFigures> = {
    window: {
      startOffsetMs: round(first.atMs - windowStartMs, 1),
      endOffsetMs: round(last.atMs - windowEndMs, 1),
    },
    queriesPerRequest: per.queriesPerRequest,
    dbTimePerRequestMs: per.dbTimePerRequestMs,
    heapGrowthBytes: heapGrowth(series),
    poolPendingMean: pending.length === 0 ? null : round(pending.reduce((a, b) => a + b, 0) / pending.length),
    poolPendingMax: pending.length === 0 ? null : Math.max(...pending),
    series,
  };
  return { figures, routeQueries: per.routeQueries };
}
