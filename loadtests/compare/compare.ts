import { PerflabError } from '../../common/perflab-error.js';
import { prng } from '../../common/prng.js';
import { E_COMPARE_MISMATCH } from '../error-codes.js';
import { modeLine } from '../format/format-summary.js';
import type { RunResult } from '../types.js';
import { explain } from './causes.js';
import { evaluateGate } from './gate.js';
import { ALPHA, judgeRuns, judgeSingle } from './judge.js';
import { median } from './random.js';
import { routeName, serverChanges } from './server-changes.js';
import { runSample } from './single-run.js';
import type {
  CompareResult,
  EndpointComparison,
  FigureChange,
  FigureName,
  FlagChange,
  SideSummary,
  Verdict,
} from './types.js';

export const FIGURES: readonly FigureName[] = ['p50', 'p95', 'p99', 'mean', 'rps', 'errors'];
const LATENCY: readonly FigureName[] = ['p50', 'p95', 'p99', 'mean'];
/** The bootstrap's generator is seeded, so the same two results always give the same intervals. */
const BOOTSTRAP_SEED = 0x5eed;

export interface CompareOptions {
  /** Where each side's runs came from (file paths), for the report. */
  sources?: { before: string[]; after: string[] };
  failOnRegression?: { metric: FigureName; threshold: number };
  now?: Date;
}

/** Per-run value of a figure, for one endpoint or (undefined) overall. */
export function figureValue(r: RunResult, f: FigureName, endpoint: string | undefined): number {
  const ep = endpoint === undefined ? { ...r.totals, latency: r.latency } : r.endpoints[endpoint];
  if (!ep) return NaN;
  if (f === 'rps') return r.durationMs > 0 ? ep.requests / (r.durationMs / 1000) : 0;
  if (f === 'errors') return ep.requests > 0 ? (ep.errors / ep.requests) * 100 : 0;
  return ep.latency[f];
}

const modelKey = (r: RunResult): string => JSON.stringify(r.config.model);
const machine = (r: RunResult): string =>
  `${r.environment.hostname} (${r.environment.cpuModel}, ${r.environment.cores} cores)`;

function refuseMismatch(before: readonly RunResult[], after: readonly RunResult[]): void {
  if (before.length === 0 || after.length === 0)
    throw new PerflabError(
      E_COMPARE_MISMATCH,
      `the ${before.length === 0 ? 'before' : 'after'} side has no runs`,
    );
  const all = [...before, ...after];
  const first = before[0] as RunResult;
  const scenarios = [...new Set(all.map((r) => r.scenario.name))];
  if (scenarios.length > 1)
    throw new PerflabError(
      E_COMPARE_MISMATCH,
      `runs of different scenarios cannot be compared: ${scenarios.join(' vs ')}`,
    );
  const odd = all.find((r) => modelKey(r) !== modelKey(first));
  if (odd)
    throw new PerflabError(
      E_COMPARE_MISMATCH,
      `runs of different load models cannot be compared: ${modeLine(first)} vs ${modeLine(odd)}`,
    );
}

function differs<T>(
  label: string,
  before: readonly RunResult[],
  after: readonly RunResult[],
  get: (r: RunResult) => T,
): string[] {
  const b = [...new Set(before.map(get))];
  const a = [...new Set(after.map(get))];
  if (b.length === 1 && a.length === 1 && b[0] === a[0]) return [];
  return [`different ${label}: ${b.join(', ') || '(unknown)'} before, ${a.join(', ') || '(unknown)'} after`];
}

function warningsFor(before: readonly RunResult[], after: readonly RunResult[]): string[] {
  const out = [
    ...differs('machines', before, after, machine),
    ...differs('Node versions', before, after, (r) => r.environment.node),
    ...differs('target versions', before, after, (r) => r.environment.target.version ?? 'unknown'),
    ...differs('measured durations (ms)', before, after, (r) => r.config.durationMs ?? r.durationMs),
  ];
  for (const [side, runs] of [
    ['before', before],
    ['after', after],
  ] as const) {
    runs.forEach((r, i) => {
      if (r.status === 'interrupted')
        out.push(`${side} run ${i + 1} was interrupted: its figures cover part of the window`);
      if (!r.generator.keptUp)
        out.push(`${side} run ${i + 1}: the generator did not keep up (${r.generator.reasons.join('; ')})`);
    });
    const flags = new Set(runs.map((r) => JSON.stringify(r.environment.target.flags ?? {})));
    if (flags.size > 1) out.push(`the ${side} runs had different target flags`);
  }
  return out;
}

export function flagChanges(before: RunResult, after: RunResult): FlagChange[] {
  const b = before.environment.target.flags ?? {};
  const a = after.environment.target.flags ?? {};
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .sort()
    .filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f]))
    .map((flag) => ({ flag, before: b[flag] ?? null, after: a[flag] ?? null }));
}

function side(runs: readonly RunResult[], sources: string[]): SideSummary {
  const r = runs[0] as RunResult;
  return {
    scenario: r.scenario.name,
    model: modeLine(r),
    runs: runs.length,
    sources,
    node: r.environment.node,
    machine: machine(r),
    ...(r.environment.target.version !== undefined ? { targetVersion: r.environment.target.version } : {}),
    flags: r.environment.target.flags ?? {},
    durationMs: median(runs.map((x) => x.durationMs)),
  };
}

/** The worst significant latency verdict: a regression anywhere beats an improvement elsewhere. */
function latencyVerdict(figures: readonly FigureChange[]): Verdict {
  const v = figures.filter((f) => LATENCY.includes(f.figure)).map((f) => f.verdict);
  if (v.includes('regressed')) return 'regressed';
  if (v.includes('improved')) return 'improved';
  if (v.includes('needs more runs')) return 'needs more runs';
  return 'no significant change';
}

function compareEndpoint(
  before: readonly RunResult[],
  after: readonly RunResult[],
  endpoint: string | undefined,
  single: boolean,
  u: () => number,
): EndpointComparison {
  const figures = FIGURES.map((f) =>
    single
      ? judgeSingle(
          f,
          runSample(before[0] as RunResult, f, endpoint, u),
          runSample(after[0] as RunResult, f, endpoint, u),
        )
      : judgeRuns(
          f,
          before.map((r) => figureValue(r, f, endpoint)),
          after.map((r) => figureValue(r, f, endpoint)),
        ),
  );
  const server = serverChanges(before, after, endpoint);
  const verdict = latencyVerdict(figures);
  const route =
    endpoint === undefined ? undefined : (routeName(after, endpoint) ?? routeName(before, endpoint));
  return {
    name: endpoint ?? 'TOTAL',
    ...(route ? { route } : {}),
    figures,
    server,
    verdict,
    causes: explain(verdict, server),
  };
}

/**
 * Pure: before/after verdicts per endpoint and overall, with causes. One run
 * a side is judged by a bootstrap within the runs; more by a Mann-Whitney U
 * test across them. Different scenarios or load models are refused with a
 * coded error; different machines, Node or target versions give warnings.
 */
export function compareResults(
  before: readonly RunResult[],
  after: readonly RunResult[],
  opts: CompareOptions = {},
): CompareResult {
  refuseMismatch(before, after);
  const single = before.length === 1 && after.length === 1;
  const u = prng(BOOTSTRAP_SEED);
  const names = [...new Set([...before, ...after].flatMap((r) => Object.keys(r.endpoints)))].sort();
  const warnings = warningsFor(before, after);
  const both = names.filter((n) => before.every((r) => r.endpoints[n]) && after.every((r) => r.endpoints[n]));
  for (const n of names.filter((x) => !both.includes(x)))
    warnings.push(`endpoint ${n} is not in every run; left out`);
  const endpoints = both.map((n) => compareEndpoint(before, after, n, single, u));
  const result: CompareResult = {
    kind: 'perflab-compare',
    formatVersion: 1,
    createdAt: (opts.now ?? new Date()).toISOString(),
    alpha: ALPHA,
    method: single ? 'bootstrap' : 'mann-whitney',
    before: side(before, opts.sources?.before ?? []),
    after: side(after, opts.sources?.after ?? []),
    warnings,
    flagChanges: flagChanges(before[0] as RunResult, after[0] as RunResult),
    overall: compareEndpoint(before, after, undefined, single, u),
    endpoints,
  };
  if (opts.failOnRegression)
    result.gate = evaluateGate(result, opts.failOnRegression.metric, opts.failOnRegression.threshold);
  return result;
}
