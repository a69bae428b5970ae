import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { renderReport } from '../../../loadtests/report/write-report.js';
import { fakeResult, latencies } from '../helpers/fake-result.js';
import { fixtureCompare } from './fixture-compare.js';

const XSD = readFileSync(new URL('./fixtures/junit.xsd', import.meta.url), 'utf8');
const validate = (xml: string) =>
  validateXML({
    xml: [{ fileName: 'junit.xml', contents: xml }],
    schema: [{ fileName: 'junit.xsd', contents: XSD }],
  });

describe('summary.md', () => {
  it('renders a compare as GFM tables: verdicts with causes, then before and after', async () => {
    const { compare, before, after } = fixtureCompare();
    const { markdown } = await renderReport({ kind: 'compare', compare, before, after });
    expect(markdown).toContain('## perflab compare: fake');
    expect(markdown).toContain('Flags changed: `n_plus_one` true → false');
    expect(markdown).toMatch(/\| endpoint \| verdict \| why \|\n\| --- \| ---: \| ---: \|\n/);
    expect(markdown).toMatch(
      /\| orders\.list \| ✅ improved \| fewer queries per request .*queries\/request 21\.0 → 2\.00/,
    );
    expect(markdown).toMatch(
      /\| TOTAL \| p95 \(ms\) \| [\d.]+ \| [\d.]+ \| -\d+\.\d% \| \[-[\d.]+%, -[\d.]+%\] \| improved \|/,
    );
    expect(markdown).toContain('✅ passed: `p95` may regress by at most 10.0%.');
    // Every table row has as many cells as its header.
    for (const block of markdown.split('\n\n').filter((b) => b.startsWith('|'))) {
      const widths = block.split('\n').map((l) => l.split(/(?<!\\)\|/).length);
      expect(new Set(widths).size).toBe(1);
    }
  });

  it('renders a run with its thresholds', async () => {
    const run = fakeResult({ a: latencies(200, 3) }, { thresholds: ['p95<1ms', 'errors<5%'] });
    const { markdown } = await renderReport({ kind: 'runs', runs: [run], sources: [] });
    expect(markdown).toMatch(/\| 1 \| `p95<1ms` \| [\d.]+ \| ❌ fail \|/);
    expect(markdown).toMatch(/\| 1 \| `errors<5%` \| 0 \| ✅ pass \|/);
  });
});

describe('junit.xml', () => {
  it('validates against the JUnit schema, a regression and a failed gate as failures', async () => {
    const { compare, before, after } = fixtureCompare();
    // Swapped sides: the improvement becomes a regression past the 10% gate.
    const { compareResults } = await import('../../../loadtests/compare/compare.js');
    const worse = compareResults(after, before, { failOnRegression: { metric: 'p95', threshold: 0.1 } });
    for (const [c, b, a] of [
      [compare, before, after],
      [worse, after, before],
    ] as const) {
      const { junit } = await renderReport({ kind: 'compare', compare: c, before: b, after: a });
      const result = await validate(junit);
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    }
    const { junit } = await renderReport({ kind: 'compare', compare: worse, before: after, after: before });
    expect(junit).toMatch(
      /<testcase name="orders.list p95" classname="perflab.compare.fake" time="0"><failure message="orders.list p95 regressed \+\d+\.\d%"/,
    );
    expect(junit).toMatch(/<testcase name="gate: p95 regression within 10.0%"[^>]*><failure/);
    expect(junit).toMatch(/why: N\+1 or chattier data access/);
  });

  it('validates for a run, thresholds as test cases; and the schema rejects a malformed file', async () => {
    const run = fakeResult({ a: latencies(200, 3) }, { thresholds: ['p95<1ms', 'errors<5%'] });
    const { junit } = await renderReport({ kind: 'runs', runs: [run], sources: [] });
    expect((await validate(junit)).valid).toBe(true);
    expect(junit).toMatch(/<testsuite name="perflab thresholds: fake" tests="2" failures="1"/);
    expect((await validate(junit.replace(/ classname="[^"]*"/, ''))).valid).toBe(false);
  });
});
