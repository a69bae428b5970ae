import {
  fmtCause,
  fmtChange,
  fmtInterval,
  fmtNumber,
  fmtServer,
  fmtVerdict,
  FIGURE_LABELS,
  SERVER_LABELS,
} from '../compare/labels.js';
import type { CompareResult } from '../compare/types.js';
import { modeLine } from '../format/format-summary.js';
import { pollLines } from '../format/poll-line.js';
import { comparePollLines } from './poll-notes.js';
import type { RunResult } from '../types.js';
import { latencyByLevel, LEVELS, levelX } from './distribution.js';
import type { ChartData, ReportModel, ReportSource, ReportTable } from './types.js';

const COLORS = {
  p50: '#2b8a3e',
  p95: '#e67700',
  p99: '#c92a2a',
  rps: '#1971c2',
  errors: '#c92a2a',
  before: '#868e96',
  after: '#1971c2',
};
const SERVER_COLORS = ['#7048e8', '#0c8599', '#e8590c', '#5c940d'];

interface Segment {
  label: string;
  run: RunResult;
}

/** Runs laid end to end on one time axis, each later one marked with what changed. */
function timeline(segments: readonly Segment[], markOf: (i: number) => string) {
  const x: number[] = [];
  const cols = {
    p50: [] as (number | null)[],
    p95: [] as (number | null)[],
    p99: [] as (number | null)[],
    rps: [] as number[],
    errors: [] as number[],
  };
  const marks: { x: number; label: string }[] = [];
  const server = {
    lag: [] as (number | null)[],
    heap: [] as (number | null)[],
    db: [] as (number | null)[],
    qpr: [] as (number | null)[],
    x: [] as number[],
  };
  let offset = 0;
  segments.forEach((s, i) => {
    if (i > 0) marks.push({ x: offset, label: markOf(i) });
    for (const p of s.run.series) {
      x.push(offset + p.second);
      const answered = p.requests > 0;
      cols.p50.push(answered ? p.p50 : null);
      cols.p95.push(answered ? p.p95 : null);
      cols.p99.push(answered ? p.p99 : null);
      cols.rps.push(p.requests);
      cols.errors.push(p.errors);
    }
    for (const p of s.run.server.series ?? []) {
      server.x.push(offset + p.second);
      server.lag.push(p.eventLoopLagP99Ms);
      server.heap.push(p.heapBytes === null ? null : p.heapBytes / 1024 / 1024);
      server.db.push(p.dbTimePerRequestMs);
      server.qpr.push(p.queriesPerRequest);
    }
    offset += Math.max(Math.ceil(s.run.durationMs / 1000), (s.run.series.at(-1)?.second ?? -1) + 1);
  });
  const charts: ChartData[] = [
    {
      id: 'latency',
      title: 'Latency over time',
      xLabel: 's',
      yLabel: 'ms',
      series: [
        { label: 'p50', color: COLORS.p50 },
        { label: 'p95', color: COLORS.p95 },
        { label: 'p99', color: COLORS.p99 },
      ],
      data: [x, cols.p50, cols.p95, cols.p99],
      marks,
    },
    {
      id: 'throughput',
      title: 'Throughput and errors over time',
      xLabel: 's',
      yLabel: 'per second',
      series: [
        { label: 'requests', color: COLORS.rps },
        { label: 'errors', color: COLORS.errors },
      ],
      data: [x, cols.rps, cols.errors],
      marks,
    },
  ];
  const panels: [string, string, (number | null)[]][] = [
    ['server-lag', 'Event-loop lag p99 (ms)', server.lag],
    ['server-heap', 'Heap used (MB)', server.heap],
    ['server-db', 'DB time per request (ms)', server.db],
    ['server-queries', 'Queries per request', server.qpr],
  ];
  panels.forEach(([id, title, values], i) => {
    if (!values.some((v) => v !== null)) return;
    charts.push({
      id,
      title,
      xLabel: 's',
      yLabel: '',
      series: [{ label: title, color: SERVER_COLORS[i] as string }],
      data: [server.x, values],
      marks,
    });
  });
  return charts;
}

function distribution(sides: readonly { label: string; runs: RunResult[]; color: string }[]): ChartData {
  return {
    id: 'distribution',
    title: 'Latency by percentile (all runs of a side merged)',
    xLabel: 'percentile',
    yLabel: 'ms',
    logX: true,
    series: sides.map((s) => ({ label: s.label, color: s.color })),
    data: [LEVELS.map(levelX), ...sides.map((s) => latencyByLevel(s.runs))],
    marks: [],
  };
}

function runTable(runs: readonly RunResult[]): ReportTable {
  const r = runs[0] as RunResult;
  const seconds = r.durationMs / 1000 || 1;
  const row = (name: string, ep: { requests: number; errors: number; latency: RunResult['latency'] }) => [
    name,
    String(ep.requests),
    (ep.requests / seconds).toFixed(1),
    ep.requests ? ((ep.errors / ep.requests) * 100).toFixed(2) : '0.00',
    fmtNumber(ep.latency.p50),
    fmtNumber(ep.latency.p95),
    fmtNumber(ep.latency.p99),
    fmtNumber(ep.latency.max),
  ];
  return {
    id: 'endpoints',
    title: runs.length > 1 ? `Endpoints (run 1 of ${runs.length})` : 'Endpoints',
    header: ['endpoint', 'requests', 'req/s', 'errors %', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    rows: [
      ...Object.entries(r.endpoints).map(([n, ep]) => row(n, ep)),
      row('TOTAL', { ...r.totals, latency: r.latency }),
    ],
    notes: pollLines(r.endpoints),
  };
}

function compareTables(
  c: CompareResult,
  before: readonly RunResult[],
  after: readonly RunResult[],
): ReportTable[] {
  const all = [...c.endpoints, c.overall];
  const verdicts: ReportTable = {
    id: 'verdicts',
    title: 'Verdicts and causes',
    header: ['endpoint', 'verdict', 'why'],
    rows: all.map((e) => [e.name, e.verdict, e.causes.map(fmtCause).join(' | ') || '-']),
  };
  const changes: ReportTable = {
    id: 'changes',
    title: 'Before and after',
    header: ['endpoint', 'figure', 'before', 'after', 'change', '95% CI', 'p', 'verdict'],
    rows: all.flatMap((e) =>
      e.figures.map((f) => [
        e.name,
        FIGURE_LABELS[f.figure],
        fmtNumber(f.before),
        fmtNumber(f.after),
        fmtChange(f),
        fmtInterval(f),
        f.p === undefined ? '-' : f.p.toFixed(3),
        fmtVerdict(f),
      ]),
    ),
    notes: comparePollLines(before, after),
  };
  const server: ReportTable = {
    id: 'server',
    title: 'Server-side figures (medians across runs)',
    header: ['figure', 'before', 'after'],
    rows: c.overall.server.map((s) => [
      SERVER_LABELS[s.figure],
      fmtServer(s.figure, s.before),
      fmtServer(s.figure, s.after),
    ]),
  };
  return [verdicts, changes, ...(server.rows.length ? [server] : [])];
}

const flagText = (flags: Record<string, unknown>): string =>
  Object.entries(flags)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ') || '(none)';

function details(label: string, r: RunResult, runs: number): [string, string][] {
  const e = r.environment;
  return [
    [
      `${label} scenario`,
      `${r.scenario.name} (${modeLine(r)}), ${runs} run(s), ${(r.durationMs / 1000).toFixed(1)} s measured, warm-up ${r.config.warmupMs} ms`,
    ],
    [
      `${label} target`,
      `${r.config.target}${e.target.version ? ` version ${e.target.version}` : ''}, flags ${flagText(e.target.flags ?? {})}`,
    ],
    [
      `${label} environment`,
      `Node ${e.node} on ${e.hostname} (${e.cpuModel}, ${e.cores} cores, ${e.platform}/${e.arch}), perflab ${e.perflabVersion}`,
    ],
    [`${label} started`, r.startedAt],
  ];
}

/** Pure: everything the report shows, from runs or a compare. */
export function reportModel(src: ReportSource): ReportModel {
  if (src.kind === 'runs') {
    const first = src.runs[0] as RunResult;
    const thresholds: ReportTable = {
      id: 'thresholds',
      title: 'Thresholds',
      header: ['run', 'threshold', 'measured', 'result'],
      rows: src.runs.flatMap((r, i) =>
        r.thresholds.map((t) => [
          String(i + 1),
          t.expression,
          t.actual === null ? '-' : String(t.actual),
          t.passed ? 'pass' : 'FAIL',
        ]),
      ),
    };
    return {
      title: `perflab ${first.scenario.name}`,
      subtitle: `${modeLine(first)}, ${src.runs.length} run(s), ${first.status}`,
      createdAt: first.endedAt,
      notes: src.runs.flatMap((r, i) =>
        r.generator.keptUp
          ? []
          : [`run ${i + 1}: the generator did not keep up: ${r.generator.reasons.join('; ')}`],
      ),
      charts: [
        ...timeline(
          src.runs.map((run, i) => ({ label: `run ${i + 1}`, run })),
          (i) => `run ${i + 1}`,
        ),
        distribution([{ label: 'all runs', runs: src.runs, color: COLORS.after }]),
      ],
      tables: [runTable(src.runs), ...(thresholds.rows.length ? [thresholds] : [])],
      details: details('run', first, src.runs.length),
    };
  }
  const c = src.compare;
  const flags = c.flagChanges
    .map((f) => `${f.flag} ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)}`)
    .join(', ');
  const segments = [
    { label: 'before', run: src.before[0] as RunResult },
    { label: 'after', run: src.after[0] as RunResult },
  ];
  return {
    title: `perflab compare: ${c.before.scenario}`,
    subtitle: `${c.before.model}; ${c.before.runs} run(s) before, ${c.after.runs} after; ${c.method === 'bootstrap' ? 'bootstrap within runs' : 'Mann-Whitney U across runs'}, α ${c.alpha}`,
    createdAt: c.createdAt,
    notes: [
      ...(flags ? [`flags changed: ${flags}`] : []),
      ...c.warnings.map((w) => `warning: ${w}`),
      ...(c.gate
        ? [
            `gate: ${c.gate.metric} ${c.gate.failed ? 'FAILED' : 'passed'}${c.gate.failures.length ? `: ${c.gate.failures.join('; ')}` : ''}`,
          ]
        : []),
      'The over-time charts show the first run of each side, before then after; the tables use every run.',
    ],
    charts: [
      ...timeline(segments, () => `after${flags ? `: ${flags}` : ''}`),
      distribution([
        { label: 'before', runs: src.before, color: COLORS.before },
        { label: 'after', runs: src.after, color: COLORS.after },
      ]),
    ],
    tables: compareTables(c, src.before, src.after),
    details: [
      ...details('before', src.before[0] as RunResult, src.before.length),
      ...details('after', src.after[0] as RunResult, src.after.length),
    ],
  };
}
