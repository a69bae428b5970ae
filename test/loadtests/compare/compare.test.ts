import { describe, expect, it } from 'vitest';
import { compareResults } from '../../../loadtests/compare/compare.js';
import type { FigureName } from '../../../loadtests/compare/types.js';
import { formatCompare } from '../../../loadtests/format/format-compare.js';
import type { RunResult } from '../../../loadtests/types.js';
import { runs, syntheticRun } from './synthetic.js';

const verdicts = (r: ReturnType<typeof compareResults>, figure: FigureName) =>
  [...r.endpoints, r.overall].map((e) => e.figures.find((f) => f.figure === figure)?.verdict);

describe('compareResults across repeated runs (Mann-Whitney U)', () => {
  it('judges a known 30% slowdown as regressed on every endpoint, with an interval around it', () => {
    const r = compareResults(runs(6, 1), runs(6, 2, { scale: 1.3 }));
    expect(r.method).toBe('mann-whitney');
    expect(verdicts(r, 'p50')).toEqual(['regressed', 'regressed', 'regressed']);
    expect(verdicts(r, 'p95')).toEqual(['regressed', 'regressed', 'regressed']);
    const p50 = r.overall.figures.find((f) => f.figure === 'p50');
    expect(p50?.p).toBeLessThan(0.05);
    expect(p50?.ci?.low).toBeLessThan(0.3);
    expect(p50?.ci?.high).toBeGreaterThan(0.3);
    expect(r.overall.verdict).toBe('regressed');
  });

  it('judges a known 30% speed-up as improved', () => {
    const r = compareResults(runs(5, 3), runs(5, 4, { scale: 0.7 }));
    expect(verdicts(r, 'p99')).toEqual(['improved', 'improved', 'improved']);
  });

  it('finds no significant change between runs of one distribution', () => {
    const r = compareResults(runs(5, 5), runs(5, 6));
    for (const f of ['p50', 'p95', 'mean', 'rps'] as const) {
      expect(verdicts(r, f).every((v) => v === 'no significant change')).toBe(true);
    }
  });

  it('says "needs more runs" with 3 a side, naming how many: the U test cannot reach p < 0.05 there', () => {
    const r = compareResults(runs(3, 7), runs(3, 8, { scale: 1.5 }));
    const p50 = r.overall.figures.find((f) => f.figure === 'p50');
    expect(p50?.verdict).toBe('needs more runs');
    expect(p50?.needRuns).toBeGreaterThanOrEqual(4);
    expect(formatCompare(r)).toMatch(/needs more runs: \d+ a side/);
  });
});

describe('compareResults with one run a side (bootstrap)', () => {
  it('judges a known 20% slowdown as regressed and identical runs as unchanged', () => {
    const before = syntheticRun(11, { noise: 0 });
    const slow = compareResults([before], [syntheticRun(12, { noise: 0, scale: 1.2 })]);
    expect(slow.method).toBe('bootstrap');
    expect(verdicts(slow, 'p50')).toEqual(['regressed', 'regressed', 'regressed']);
    const same = compareResults([before], [before]);
    for (const f of ['p50', 'p95', 'p99', 'mean', 'rps', 'errors'] as const) {
      expect(verdicts(same, f).every((v) => v === 'no significant change')).toBe(true);
    }
  });

  it('is repeatable: the bootstrap is seeded', () => {
    const a = [syntheticRun(13)];
    const b = [syntheticRun(14, { scale: 1.05 })];
    expect(compareResults(a, b, { now: new Date(0) })).toEqual(compareResults(a, b, { now: new Date(0) }));
  });

  it('needs more requests than a handful to judge a p99, and says how many', () => {
    const r = compareResults([syntheticRun(15, { requests: 50 })], [syntheticRun(16, { requests: 50 })]);
    const p99 = r.overall.figures.find((f) => f.figure === 'p99');
    expect(p99).toMatchObject({ verdict: 'needs more runs', needRequests: 1000 });
  });
});

const withModel = (r: RunResult, model: RunResult['config']['model']): RunResult => ({
  ...r,
  config: { ...r.config, model },
});

describe('refusals and warnings', () => {
  it('refuses different scenarios and different load models', () => {
    const a = syntheticRun(21);
    const other = { ...syntheticRun(22), scenario: { name: 'checkout', description: '' } };
    expect(() => compareResults([a], [other])).toThrow(
      /different scenarios cannot be compared: fake vs checkout/,
    );
    const closed = withModel(syntheticRun(23), { kind: 'closed', connections: 10 });
    expect(() => compareResults([a], [closed])).toThrow(
      /different load models.*open, 100 flows\/s .* vs closed, 10 connections/,
    );
    expect(() => compareResults([], [a])).toThrow(/before side has no runs/);
  });

  it('warns about a different machine, Node or target version, and lists the flags that changed', () => {
    const a = syntheticRun(24);
    a.environment.target.flags = { n_plus_one: true, missing_index: true, cache: false };
    const b = syntheticRun(25);
    b.environment = {
      ...b.environment,
      hostname: 'elsewhere',
      node: 'v22.0.0',
      target: {
        url: b.environment.target.url,
        version: '2.0.0',
        flags: { n_plus_one: false, missing_index: true, cache: false },
      },
    };
    const r = compareResults([a], [b]);
    expect(r.warnings.join('\n')).toMatch(/different machines/);
    expect(r.warnings.join('\n')).toMatch(/different Node versions: .* before, v22.0.0 after/);
    expect(r.warnings.join('\n')).toMatch(/different target versions: unknown before, 2.0.0 after/);
    expect(r.flagChanges).toEqual([{ flag: 'n_plus_one', before: true, after: false }]);
  });
});

describe('the regression gate', () => {
  it('fails when a figure regressed significantly past the limit, and passes under it', () => {
    const before = runs(5, 31);
    const after = runs(5, 32, { scale: 1.3 });
    const strict = compareResults(before, after, { failOnRegression: { metric: 'p95', threshold: 0.1 } });
    expect(strict.gate?.failed).toBe(true);
    expect(strict.gate?.failures.join('\n')).toMatch(
      /orders.list: p95 regressed by \d+\.\d% \(limit 10.0%\)/,
    );
    const loose = compareResults(before, after, { failOnRegression: { metric: 'p95', threshold: 0.6 } });
    expect(loose.gate?.failed).toBe(false);
    const improved = compareResults(after, before, { failOnRegression: { metric: 'p95', threshold: 0.1 } });
    expect(improved.gate?.failed).toBe(false);
  });
});
