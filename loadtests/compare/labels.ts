import type { Cause, FigureChange, FigureName, ServerChange, ServerFigureName } from './types.js';

/** How figures are named and written in every compare output (terminal, Markdown, HTML, JUnit). */
export const FIGURE_LABELS: Record<FigureName, string> = {
  p50: 'p50 (ms)',
  p95: 'p95 (ms)',
  p99: 'p99 (ms)',
  mean: 'mean (ms)',
  rps: 'req/s',
  errors: 'errors (%)',
};

export const SERVER_LABELS: Record<ServerFigureName, string> = {
  queriesPerRequest: 'queries/request',
  dbTimePerRequestMs: 'DB time/request (ms)',
  dbTimePerQueryMs: 'DB time/query (ms)',
  slowQueriesPerKiloRequest: 'slow queries/1000 requests',
  eventLoopLagP99Ms: 'event-loop lag p99 (ms)',
  peakHeapBytes: 'peak heap (MB)',
  peakRssBytes: 'peak RSS (MB)',
  heapGrowthBytesPerSecond: 'heap growth (MB/s)',
  poolPendingMean: 'pool pending (mean)',
  serverP99Ms: 'server p99 (ms)',
};

const MB = 1024 * 1024;

export function fmtNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

export function fmtServer(f: ServerFigureName, v: number | null): string {
  if (v === null) return '-';
  return fmtNumber(
    f === 'peakHeapBytes' || f === 'peakRssBytes' || f === 'heapGrowthBytesPerSecond' ? v / MB : v,
  );
}

export const fmtPct = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '-' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

/** The change column: relative for ratios, percentage points for errors. */
export function fmtChange(c: FigureChange): string {
  if (c.figure === 'errors') return `${c.delta >= 0 ? '+' : ''}${c.delta.toFixed(2)} pt`;
  return fmtPct(c.relative);
}

export function fmtInterval(c: FigureChange): string {
  if (!c.ci) return '-';
  if (c.figure === 'errors' || c.relative === null)
    return `[${fmtNumber(c.ci.low)}, ${fmtNumber(c.ci.high)}]`;
  return `[${fmtPct(c.ci.low)}, ${fmtPct(c.ci.high)}]`;
}

export function fmtVerdict(c: Pick<FigureChange, 'verdict' | 'needRuns' | 'needRequests'>): string {
  if (c.verdict !== 'needs more runs') return c.verdict;
  const req = c.needRequests !== undefined ? ` (or ≥ ${c.needRequests} requests a run)` : '';
  return `needs more runs: ${c.needRuns ?? '?'} a side${req}`;
}

export const fmtEvidence = (e: ServerChange): string =>
  `${SERVER_LABELS[e.figure]} ${fmtServer(e.figure, e.before)} → ${fmtServer(e.figure, e.after)}` +
  (e.relative !== null ? ` (${fmtPct(e.relative)})` : '');

/** `fewer queries per request (...): queries/request 21.0 → 1.00 (-95.2%); ...` */
export const fmtCause = (c: Cause): string =>
  c.evidence.length === 0 ? c.label : `${c.label}: ${c.evidence.map(fmtEvidence).join('; ')}`;
