import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explain, OUTSIDE_SERVER } from '../../../loadtests/compare/causes.js';
import { compareResults } from '../../../loadtests/compare/compare.js';
import type { ServerChange, ServerFigureName } from '../../../loadtests/compare/types.js';
import { parseResult } from '../../../loadtests/result/result-file.js';

/** Real runs of the lab (record.ts): the order history with one flag on (before) and off (after). */
const lab = (flag: string, side: 'before' | 'after') =>
  parseResult(
    JSON.parse(readFileSync(new URL(`./lab-fixtures/${flag}-${side}.json`, import.meta.url), 'utf8')),
    `${flag}-${side}`,
  );

describe('causes on recorded lab runs', () => {
  it.each([
    ['n_plus_one', 'chattier-data-access', /fewer queries per request/],
    ['missing_index', 'slower-queries', /faster queries \(plan or index\)/],
    // The orders scenario logs in every iteration: synchronous hashing stalls every other route.
    ['blocking_hash', 'event-loop-cpu', /less CPU work on the event loop/],
  ])('names the right cause for %s', (flag, id, label) => {
    const before = lab(flag, 'before');
    expect(before.environment.target.flags?.[flag]).toBe(true);
    const r = compareResults([before], [lab(flag, 'after')]);
    expect(r.flagChanges).toEqual([{ flag, before: true, after: false }]);
    const ep = r.endpoints.find((e) => e.name === 'orders.list');
    expect(ep?.verdict).toBe('improved');
    expect(ep?.causes[0]?.id).toBe(id);
    expect(ep?.causes[0]?.label).toMatch(label);
    // The evidence names the figures the rule read, with both sides.
    expect(ep?.causes[0]?.evidence[0]?.before).not.toBeNull();
  });

  it.each([
    // 64 KB of heap held per request: the leak's side grows the heap by megabytes a second.
    ['memory_leak', 'memory-growth', /less memory growth/, 'heapGrowthBytesPerSecond'],
    // One connection for 16 clients on PostgreSQL: requests queue for it.
    ['small_pool', 'pool-saturation', /less waiting for pool connections/, 'poolPendingMean'],
  ])('names %s’s cause from the figure that only it moves', (flag, id, label, figure) => {
    const before = lab(flag, 'before');
    expect(before.environment.target.flags?.[flag]).toBe(true);
    const r = compareResults([before], [lab(flag, 'after')]);
    expect(r.flagChanges).toEqual([{ flag, before: true, after: false }]);
    const causes = r.overall.causes;
    expect(causes.map((c) => c.id)).toContain(id);
    const cause = causes.find((c) => c.id === id)!;
    expect(cause.label).toMatch(label);
    const evidence = cause.evidence[0]!;
    expect(evidence.figure).toBe(figure);
    expect(evidence.before!).toBeGreaterThan(2 * evidence.after!);
  });

  it('reads the same runs the other way round as a regression with the same cause', () => {
    const r = compareResults([lab('n_plus_one', 'after')], [lab('n_plus_one', 'before')]);
    expect(r.overall.verdict).toBe('regressed');
    expect(r.overall.causes[0]?.label).toBe('N+1 or chattier data access');
  });
});

const change = (figure: ServerFigureName, before: number, after: number): ServerChange => ({
  figure,
  before,
  after,
  relative: after / before - 1,
});
const steady: ServerChange[] = [
  change('queriesPerRequest', 2, 2),
  change('dbTimePerQueryMs', 3, 3.1),
  change('eventLoopLagP99Ms', 12, 13),
  change('heapGrowthBytesPerSecond', 10_000, 12_000),
  change('poolPendingMean', 0.1, 0.1),
];
const replace = (c: ServerChange) => steady.map((s) => (s.figure === c.figure ? c : s));

describe('the rules', () => {
  it.each([
    [change('eventLoopLagP99Ms', 12, 180), 'event-loop-cpu', 'CPU work on the event loop'],
    [change('heapGrowthBytesPerSecond', 10_000, 4_000_000), 'memory-growth', 'memory growth'],
    [change('poolPendingMean', 0.1, 6), 'pool-saturation', 'connection pool saturation'],
    [change('dbTimePerQueryMs', 3, 9), 'slower-queries', 'slower queries (plan or index)'],
    [change('queriesPerRequest', 2, 21), 'chattier-data-access', 'N+1 or chattier data access'],
  ])('%o → %s', (moved, id, label) => {
    const causes = explain('regressed', replace(moved));
    expect(causes.map((c) => c.id)).toEqual([id]);
    expect(causes[0]?.label).toBe(label);
    expect(causes[0]?.evidence[0]).toEqual(moved);
  });

  it('says "outside the server figures" when none moved, and gives no cause without a verdict or figures', () => {
    expect(explain('regressed', steady).map((c) => c.label)).toEqual([OUTSIDE_SERVER]);
    expect(explain('no significant change', replace(change('eventLoopLagP99Ms', 12, 180)))).toEqual([]);
    expect(explain('regressed', [])).toEqual([]);
  });

  it('does not take a GC sawtooth for a leak: +1.6 → -1.4 MB/s over a few seconds is not memory growth', () => {
    const sawtooth = change('heapGrowthBytesPerSecond', 1.6 * 1024 * 1024, -1.4 * 1024 * 1024);
    expect(explain('improved', replace(sawtooth)).map((c) => c.id)).toEqual(['outside-server']);
  });

  it('ignores a figure that moved against the latency: a slowdown is not explained by fewer queries', () => {
    expect(explain('regressed', replace(change('queriesPerRequest', 21, 2))).map((c) => c.id)).toEqual([
      'outside-server',
    ]);
  });
});
