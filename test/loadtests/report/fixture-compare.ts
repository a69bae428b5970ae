import { compareResults } from '../../../loadtests/compare/compare.js';
import type { RunResult } from '../../../loadtests/types.js';
import { runs } from '../compare/synthetic.js';

/** Server figures of a run, as an order-history run with N+1 on or off scrapes them. */
function withServer(r: RunResult, queries: number, seed: number): RunResult {
  const series = Array.from({ length: 5 }, (_, i) => ({
    second: i * 2,
    requests: i === 0 ? 0 : 400,
    eventLoopLagP99Ms: 11 + ((seed + i) % 3),
    heapBytes: 40e6 + i * 1e5,
    rssBytes: 120e6,
    poolPending: 0,
    queriesPerRequest: queries,
    dbTimePerRequestMs: queries * 0.2,
  }));
  return {
    ...r,
    server: {
      available: true,
      scrapes: 5,
      requests: r.totals.requests,
      routes: {},
      slowQueries: 0,
      eventLoopLagP99Ms: 12,
      peakHeapBytes: 41e6,
      peakRssBytes: 120e6,
      cpuSeconds: 3,
      window: { startOffsetMs: 2, endOffsetMs: 1 },
      queriesPerRequest: queries,
      dbTimePerRequestMs: queries * 0.2,
      heapGrowthBytes: 4e5,
      poolPendingMean: 0,
      poolPendingMax: 0,
      series,
    },
    environment: {
      ...r.environment,
      target: { ...r.environment.target, flags: { n_plus_one: queries > 5 } },
    },
  };
}

/** A compare with a known 40% improvement from removing an N+1, and both sides' runs. */
export function fixtureCompare() {
  const before = runs(5, 41, { scale: 1.4 }).map((r, i) => withServer(r, 21, i));
  const after = runs(5, 42).map((r, i) => withServer(r, 2, i));
  const compare = compareResults(before, after, {
    now: new Date('2026-12-06T00:00:00Z'),
    failOnRegression: { metric: 'p95', threshold: 0.1 },
  });
  return { compare, before, after };
}
