import { routeFor } from '../server-metrics/route-match.js';
import type { RunResult } from '../types.js';
import { median } from './random.js';
import type { ServerChange, ServerFigureName } from './types.js';

type Reader = (r: RunResult, endpoint: string | undefined) => number | null | undefined;

const route = (r: RunResult, endpoint: string | undefined) => {
  const ep = endpoint === undefined ? undefined : r.endpoints[endpoint];
  return ep ? routeFor(ep, r.server.routes) : undefined;
};

const perQuery = (r: RunResult): number | null => {
  const t = r.server.dbTimePerRequestMs;
  const q = r.server.queriesPerRequest;
  return t == null || q == null || q <= 0 ? null : t / q;
};

/** How each server figure is read from one run, for one endpoint (or overall when undefined). */
const READERS: Record<ServerFigureName, Reader> = {
  // The route's own count when the probes label it, the whole server's otherwise.
  queriesPerRequest: (r, e) => route(r, e)?.[1].queriesPerRequest ?? r.server.queriesPerRequest,
  dbTimePerRequestMs: (r) => r.server.dbTimePerRequestMs,
  dbTimePerQueryMs: perQuery,
  slowQueriesPerKiloRequest: (r) =>
    r.server.slowQueries == null || !r.server.requests
      ? null
      : (r.server.slowQueries / r.server.requests) * 1000,
  eventLoopLagP99Ms: (r) => r.server.eventLoopLagP99Ms,
  peakHeapBytes: (r) => r.server.peakHeapBytes,
  peakRssBytes: (r) => r.server.peakRssBytes,
  heapGrowthBytesPerSecond: (r) =>
    r.server.heapGrowthBytes == null || r.durationMs <= 0
      ? null
      : r.server.heapGrowthBytes / (r.durationMs / 1000),
  poolPendingMean: (r) => r.server.poolPendingMean,
  serverP99Ms: (r, e) => (e === undefined ? null : route(r, e)?.[1].p99),
};

export const SERVER_FIGURES = Object.keys(READERS) as ServerFigureName[];

function sideValue(runs: readonly RunResult[], figure: ServerFigureName, endpoint: string | undefined) {
  const values = runs
    .filter((r) => r.server.available)
    .map((r) => READERS[figure](r, endpoint))
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return values.length === 0 ? null : median(values);
}

/** Medians across each side's runs of every server figure either side has. */
export function serverChanges(
  before: readonly RunResult[],
  after: readonly RunResult[],
  endpoint: string | undefined,
): ServerChange[] {
  return SERVER_FIGURES.map((figure) => {
    const b = sideValue(before, figure, endpoint);
    const a = sideValue(after, figure, endpoint);
    return { figure, before: b, after: a, relative: b === null || a === null || b === 0 ? null : a / b - 1 };
  }).filter((c) => c.before !== null || c.after !== null);
}

/** The server route an endpoint maps to in the first run that has one. */
export function routeName(runs: readonly RunResult[], endpoint: string): string | undefined {
  for (const r of runs) {
    const hit = route(r, endpoint);
    if (hit) return hit[0];
  }
  return undefined;
}
