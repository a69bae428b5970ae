import { fmtCause, fmtChange, fmtInterval, fmtNumber, fmtVerdict, FIGURE_LABELS } from '../compare/labels.js';
import type { CompareResult } from '../compare/types.js';
import { modeLine } from '../format/format-summary.js';
import { pollLines, pollsAcross } from '../format/poll-line.js';
import type { RunResult } from '../types.js';
import { comparePollLines } from './poll-notes.js';

/** A table cell: pipes and newlines would break the GFM table. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const mdTable = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

const VERDICT_MARK: Record<string, string> = {
  improved: '✅ improved',
  regressed: '❌ regressed',
  'no significant change': '➖ no significant change',
  'needs more runs': '❔ needs more runs',
};

/** Pure: summary.md of a compare, for a pull-request comment; the sides' runs give the poll steps. */
export function compareMarkdown(
  c: CompareResult,
  before: readonly RunResult[],
  after: readonly RunResult[],
): string {
  const out: string[] = [];
  out.push(`## perflab compare: ${c.before.scenario}`);
  out.push('');
  out.push(
    `${c.before.model}; ${c.before.runs} run(s) before, ${c.after.runs} after; ` +
      (c.method === 'bootstrap' ? 'bootstrap within each run' : 'Mann-Whitney U across runs') +
      `, 95% intervals, α ${c.alpha}.`,
  );
  if (c.flagChanges.length) {
    out.push('');
    out.push(
      `Flags changed: ${c.flagChanges.map((f) => `\`${f.flag}\` ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)}`).join(', ')}`,
    );
  }
  for (const w of c.warnings) out.push('', `> ⚠️ ${w}`);
  const all = [...c.endpoints, c.overall];
  out.push('', '### Verdicts', '');
  out.push(
    mdTable(
      ['endpoint', 'verdict', 'why'],
      all.map((e) => [
        e.name,
        VERDICT_MARK[e.verdict] ?? e.verdict,
        e.causes.map(fmtCause).join('; ') || '-',
      ]),
    ),
  );
  out.push('', '### Before and after', '');
  out.push(
    mdTable(
      ['endpoint', 'figure', 'before', 'after', 'change', '95% CI', 'verdict'],
      all.flatMap((e) =>
        e.figures.map((f) => [
          e.name,
          FIGURE_LABELS[f.figure],
          fmtNumber(f.before),
          fmtNumber(f.after),
          fmtChange(f),
          fmtInterval(f),
          fmtVerdict(f),
        ]),
      ),
    ),
  );
  const polls = comparePollLines(before, after);
  if (polls.length) out.push('', '### Polling steps', '', ...polls.map((l) => `- ${l}`));
  if (c.gate) {
    const limit =
      c.gate.metric === 'errors' ? `${c.gate.threshold} points` : `${(c.gate.threshold * 100).toFixed(1)}%`;
    out.push('', '### Gate', '');
    out.push(
      `${c.gate.failed ? '❌ failed' : '✅ passed'}: \`${c.gate.metric}\` may regress by at most ${limit}.`,
    );
    for (const f of c.gate.failures) out.push(`- ${f}`);
  }
  return out.join('\n') + '\n';
}

/** Pure: summary.md of one run or a folder of repeated runs. */
export function runsMarkdown(runs: readonly RunResult[]): string {
  const r = runs[0] as RunResult;
  const out = [
    `## perflab ${r.scenario.name}`,
    '',
    `${modeLine(r)}, ${runs.length} run(s), ${(r.durationMs / 1000).toFixed(1)} s measured each.`,
    '',
  ];
  out.push(
    mdTable(
      ['run', 'requests', 'req/s', 'errors %', 'p50 ms', 'p95 ms', 'p99 ms'],
      runs.map((x, i) => [
        String(i + 1),
        String(x.totals.requests),
        x.totals.rps.toFixed(1),
        x.totals.requests ? ((x.totals.errors / x.totals.requests) * 100).toFixed(2) : '0.00',
        fmtNumber(x.latency.p50),
        fmtNumber(x.latency.p95),
        fmtNumber(x.latency.p99),
      ]),
    ),
  );
  // A poll step's latency is its time to the condition, inside the totals above too.
  const polls = pollLines(pollsAcross(runs));
  if (polls.length) {
    out.push('', '### Polling steps', '');
    if (runs.length > 1) out.push(`Over all ${runs.length} runs:`, '');
    out.push(...polls.map((l) => `- ${l}`));
  }
  const thresholds = runs.flatMap((x, i) =>
    x.thresholds.map((t) => [
      String(i + 1),
      `\`${t.expression}\``,
      t.actual === null ? '-' : String(t.actual),
      t.passed ? '✅ pass' : '❌ fail',
    ]),
  );
  if (thresholds.length)
    out.push('', '### Thresholds', '', mdTable(['run', 'threshold', 'measured', 'result'], thresholds));
  return out.join('\n') + '\n';
}
