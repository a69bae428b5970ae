import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { formatSummary } from '../../../loadtests/format/format-summary.js';
import type { ReportSource } from '../../../loadtests/report/types.js';
import { renderReport } from '../../../loadtests/report/write-report.js';
import type { RunResult } from '../../../loadtests/types.js';
import { fakeResult, latencies } from '../helpers/fake-result.js';
import { fixtureCompare } from './fixture-compare.js';

const XSD = readFileSync(new URL('./fixtures/junit.xsd', import.meta.url), 'utf8');
const validate = (xml: string) =>
  validateXML({
    xml: [{ fileName: 'junit.xml', contents: xml }],
    schema: [{ fileName: 'junit.xsd', contents: XSD }],
  });

/** A checkout-saga-like run: `saga.settled` polled 4 times, sending `attempts` requests, `max` at most for one. */
function sagaRun(attempts: number, max: number): RunResult {
  const r = fakeResult({ 'orders.create': [5, 6, 7, 8], 'saga.settled': [40, 60, 80, 120] });
  r.endpoints['saga.settled']!.polls = { attempts, max };
  return r;
}

const POLL_LINE =
  'saga.settled polls until its condition: latency is the time to it; 10 requests for 4 polls (2.5 per poll, at most 4)';

describe('poll steps in the reports', () => {
  it('summary.md and report.html carry the text summary poll line, under the step table', async () => {
    const run = sagaRun(10, 4);
    expect(formatSummary(run).split('\n')).toContain(POLL_LINE);
    const { markdown, html } = await renderReport({ kind: 'runs', runs: [run], sources: [] });
    expect(markdown).toContain(`### Polling steps\n\n- ${POLL_LINE}\n`);
    expect(markdown.match(/polls until/g)).toHaveLength(1);
    // After the endpoint table, inside its section: the note qualifies that table's rows.
    expect(html).toMatch(
      new RegExp(
        `</table><div id="notes-endpoints"><p class="table-note">${POLL_LINE.replace(/[.()]/g, '\\$&')}</p></div></section>`,
      ),
    );
  });

  it('adds up the polls of repeated runs in summary.md, and names the side in a compare', async () => {
    const runs = [sagaRun(10, 4), sagaRun(6, 3)];
    const { markdown } = await renderReport({ kind: 'runs', runs, sources: [] });
    expect(markdown).toContain(
      'Over all 2 runs:\n\n- saga.settled polls until its condition: latency is the time to it; 16 requests for 8 polls (2.0 per poll, at most 4)\n',
    );
    const { compare, before, after } = fixtureCompare();
    const polled = (rs: RunResult[], attempts: number): RunResult[] =>
      rs.map((r) => {
        const ep = r.endpoints['orders.list']!;
        return { ...r, endpoints: { ...r.endpoints, 'orders.list': { ...ep, polls: { attempts, max: 3 } } } };
      });
    const sides = { before: polled(before, 3000), after: polled(after, 2500) };
    const files = await renderReport({ kind: 'compare', compare, ...sides });
    const requests = (rs: RunResult[]) =>
      rs.reduce((n, r) => n + (r.endpoints['orders.list']?.requests ?? 0), 0);
    const line = (side: 'before' | 'after', attempts: number) =>
      `${side}: orders.list polls until its condition: latency is the time to it; ${attempts * 5} requests for ${requests(sides[side])} polls`;
    for (const text of [files.markdown, files.html]) {
      expect(text).toContain(line('before', 3000));
      expect(text).toContain(line('after', 2500));
    }
    expect(files.html).toMatch(
      /<\/table><div id="notes-changes"><p class="table-note">before: orders\.list polls/,
    );
  });

  it('says nothing of polls for a run or a compare without a polling step', async () => {
    const { compare, before, after } = fixtureCompare();
    const sources: ReportSource[] = [
      { kind: 'runs', runs: [fakeResult({ a: latencies(50, 3) })], sources: [] },
      { kind: 'compare', compare, before, after },
    ];
    for (const src of sources) {
      const { markdown, html } = await renderReport(src);
      for (const text of [markdown, html]) {
        expect(text).not.toContain('polls until');
        expect(text).not.toContain('Polling steps');
        expect(text).not.toContain('table-note">');
      }
    }
  });
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
