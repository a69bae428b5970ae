import type { Cause, CauseId, ServerChange, ServerFigureName, Verdict } from './types.js';

/**
 * A server figure "moved" when it changed in the direction of the latency
 * change by at least `minRelative` (as a ratio of the larger to the smaller
 * side) and by at least `minAbsolute` in its unit: run-to-run wobble of a few
 * percent, or a fraction of a query, is not evidence.
 */
interface Rule {
  id: CauseId;
  worse: string;
  better: string;
  figure: ServerFigureName;
  minRelative: number;
  minAbsolute: number;
  /** The worse side's own value must reach this too (heap growth: a GC sawtooth over a few seconds is not a leak). */
  minWorse?: number;
  /** Further figures shown as evidence beside the one the rule reads. */
  context?: ServerFigureName[];
}

/**
 * Strongest first. Query counts are counts, free of timing, so they come
 * first; pool waiting and DB time per query are specific to the database;
 * heap growth comes before event-loop lag because a leak's collections show
 * up as lag too, and lag moves with almost any slowdown, so it comes last.
 */
export const RULES: readonly Rule[] = [
  {
    id: 'chattier-data-access',
    worse: 'N+1 or chattier data access',
    better: 'fewer queries per request (N+1 or chatty data access gone)',
    figure: 'queriesPerRequest',
    minRelative: 0.2,
    minAbsolute: 0.5,
    context: ['dbTimePerRequestMs'],
  },
  {
    id: 'pool-saturation',
    worse: 'connection pool saturation',
    better: 'less waiting for pool connections',
    figure: 'poolPendingMean',
    minRelative: 0.5,
    minAbsolute: 0.5,
  },
  {
    id: 'slower-queries',
    worse: 'slower queries (plan or index)',
    better: 'faster queries (plan or index)',
    figure: 'dbTimePerQueryMs',
    minRelative: 0.3,
    minAbsolute: 0.05,
    context: ['queriesPerRequest', 'dbTimePerRequestMs', 'slowQueriesPerKiloRequest'],
  },
  {
    id: 'memory-growth',
    worse: 'memory growth',
    better: 'less memory growth',
    figure: 'heapGrowthBytesPerSecond',
    minRelative: 1,
    minAbsolute: 2 * 1024 * 1024,
    minWorse: 2 * 1024 * 1024,
    context: ['peakHeapBytes', 'peakRssBytes'],
  },
  {
    id: 'event-loop-cpu',
    worse: 'CPU work on the event loop',
    better: 'less CPU work on the event loop',
    figure: 'eventLoopLagP99Ms',
    minRelative: 0.5,
    minAbsolute: 5,
  },
];

export const OUTSIDE_SERVER = 'outside the server figures: network, client or downstream';

/** Did `figure` move in the direction `sign` (+1 up, −1 down) past the rule's bounds? */
export function moved(
  c: ServerChange | undefined,
  rule: Pick<Rule, 'minRelative' | 'minAbsolute' | 'minWorse'>,
  sign: 1 | -1,
): boolean {
  if (!c || c.before === null || c.after === null) return false;
  const change = (c.after - c.before) * sign;
  if (change < rule.minAbsolute) return false;
  if (rule.minWorse !== undefined && Math.max(c.before, c.after) < rule.minWorse) return false;
  const lo = Math.min(c.before, c.after);
  const hi = Math.max(c.before, c.after);
  return lo <= 0 || hi / lo >= 1 + rule.minRelative;
}

/**
 * The causes for one endpoint's latency change: every rule whose figure moved
 * the same way as the latency, strongest first; when none did and the server
 * figures were there to look at, "outside the server figures". No verdict,
 * or no server figures at all, gives no cause rather than a guess.
 */
export function explain(verdict: Verdict, server: readonly ServerChange[]): Cause[] {
  if (verdict !== 'regressed' && verdict !== 'improved') return [];
  const sign = verdict === 'regressed' ? 1 : -1;
  const by = new Map(server.map((c) => [c.figure, c]));
  const causes: Cause[] = [];
  for (const rule of RULES) {
    const c = by.get(rule.figure);
    if (!moved(c, rule, sign)) continue;
    const evidence = [rule.figure, ...(rule.context ?? [])]
      .map((f) => by.get(f))
      .filter((x): x is ServerChange => x !== undefined && (x.before !== null || x.after !== null));
    causes.push({ id: rule.id, label: sign === 1 ? rule.worse : rule.better, evidence });
  }
  const looked = server.some((c) => c.before !== null && c.after !== null);
  if (causes.length === 0 && looked) {
    causes.push({
      id: 'outside-server',
      label: OUTSIDE_SERVER,
      evidence: server.filter((c) => c.before !== null),
    });
  }
  return causes;
}
