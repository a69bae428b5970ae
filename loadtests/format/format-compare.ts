import { fmtCause, fmtChange, fmtInterval, fmtNumber, fmtVerdict, FIGURE_LABELS } from '../compare/labels.js';
import type { CompareResult, EndpointComparison } from '../compare/types.js';
import { table } from './table.js';

const methodLine = (r: CompareResult): string =>
  r.method === 'bootstrap'
    ? `one run a side: bootstrap within each run, 95% intervals, α ${r.alpha}`
    : `Mann-Whitney U across runs, Hodges–Lehmann 95% intervals, α ${r.alpha}`;

function rows(ep: EndpointComparison): string[][] {
  return ep.figures.map((c, i) => [
    i === 0 ? ep.name : '',
    FIGURE_LABELS[c.figure],
    fmtNumber(c.before),
    fmtNumber(c.after),
    fmtChange(c),
    fmtInterval(c),
    c.p === undefined ? '-' : c.p < 0.001 ? '<0.001' : c.p.toFixed(3),
    fmtVerdict(c),
  ]);
}

/** Pure: the terminal rendering of a compare: the table of changes, then verdicts with their causes. */
export function formatCompare(r: CompareResult): string {
  const out: string[] = [];
  out.push(
    `perflab compare: ${r.before.scenario} (${r.before.model}): ${r.before.runs} run(s) before, ${r.after.runs} after`,
  );
  out.push(methodLine(r));
  if (r.flagChanges.length) {
    out.push(
      `flags changed: ${r.flagChanges.map((f) => `${f.flag} ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)}`).join(', ')}`,
    );
  }
  for (const w of r.warnings) out.push(`warning: ${w}`);
  out.push('');
  const header = ['endpoint', 'figure', 'before', 'after', 'change', '95% CI', 'p', 'verdict'];
  out.push(table(header, [...r.endpoints, r.overall].flatMap(rows)));
  out.push('');
  out.push('verdicts:');
  for (const ep of [...r.endpoints, r.overall]) {
    out.push(`  ${ep.name}: ${ep.verdict}`);
    for (const c of ep.causes) out.push(`    why: ${fmtCause(c)}`);
  }
  if (r.gate) {
    out.push('');
    const limit =
      r.gate.metric === 'errors' ? `${r.gate.threshold} points` : `${(r.gate.threshold * 100).toFixed(1)}%`;
    out.push(`gate: ${r.gate.metric} regression over ${limit}: ${r.gate.failed ? 'FAILED' : 'passed'}`);
    for (const f of r.gate.failures) out.push(`  ${f}`);
  }
  return out.join('\n');
}
