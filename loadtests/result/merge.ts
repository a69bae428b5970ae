import type { Histogram } from 'hdr-histogram-js';
import { PerflabError } from '../../common/perflab-error.js';
import { E_MERGE_MISMATCH, E_RESULT_INVALID } from '../error-codes.js';
import { createHistogram, decodeHistogram, encodeHistogram, summarize } from '../stats/histogram.js';
import { emptyErrorCounts, ERROR_KINDS, MAX_REASONS } from '../stats/recorder.js';
import { evaluateThresholds } from '../thresholds/evaluate-thresholds.js';
import { parseThresholds } from '../thresholds/parse-threshold.js';
import type { EndpointResult, ErrorKind, RunResult, SeriesPoint } from '../types.js';

function addInto(target: Histogram, encoded: string): void {
  const h = decodeHistogram(encoded);
  target.add(h);
  h.destroy();
}

/** A poll step's attempts add up; the most one poll took is the largest of them. */
function addPolls(acc: EndpointResult, ep: EndpointResult): void {
  if (!ep.polls) return;
  const p = (acc.polls ??= { attempts: 0, max: 0 });
  p.attempts += ep.polls.attempts;
  p.max = Math.max(p.max, ep.polls.max);
}

/** Check counts add up; failure reasons too, keeping the MAX_REASONS most frequent. */
function addChecks(acc: EndpointResult, ep: EndpointResult): void {
  for (const [name, c] of Object.entries(ep.checks ?? {})) {
    const a = ((acc.checks ??= {})[name] ??= { passes: 0, fails: 0 });
    a.passes += c.passes;
    a.fails += c.fails;
  }
  if (!ep.failures) return;
  const counts = new Map((acc.failures?.reasons ?? []).map((r) => [r.reason, r.count]));
  for (const r of ep.failures.reasons) counts.set(r.reason, (counts.get(r.reason) ?? 0) + r.count);
  const sorted = [...counts].sort(([, a], [, b]) => b - a);
  const dropped = sorted.slice(MAX_REASONS).reduce((s, [, n]) => s + n, 0);
  acc.failures = {
    reasons: sorted.slice(0, MAX_REASONS).map(([reason, count]) => ({ reason, count })),
    other: (acc.failures?.other ?? 0) + ep.failures.other + dropped,
  };
}

function addCounts(a: Record<ErrorKind, number>, b: Record<ErrorKind, number>): void {
  for (const k of ERROR_KINDS) a[k] += b[k];
}

export interface MergeOptions {
  /** Merge even results of different scenarios, load models or non-overlapping windows. */
  force?: boolean;
}

const modelKey = (r: RunResult): string => JSON.stringify(r.config.model, Object.keys(r.config.model).sort());

/**
 * Why these results are not parts of one test, or undefined when they are:
 * adding up a closed `browse` run and an open `mixed` run gives figures of
 * no test that ever ran.
 */
export function mergeMismatch(results: readonly RunResult[]): string | undefined {
  const [first] = results;
  if (!first) return undefined;
  for (const [i, r] of results.entries()) {
    if (r.scenario.name !== first.scenario.name)
      return `result ${i + 1} ran scenario "${r.scenario.name}", result 1 ran "${first.scenario.name}"`;
    if (modelKey(r) !== modelKey(first))
      return `result ${i + 1} used load model ${modelKey(r)}, result 1 used ${modelKey(first)}`;
  }
  const segments = results.map((r) => r.segment).filter((s) => s !== undefined);
  if (segments.length > 0) {
    const seen = new Set<number>();
    for (const s of segments) {
      if (s.count !== segments[0]?.count)
        return `segments of different splits (${s.index}/${s.count} and ${segments[0]?.index}/${segments[0]?.count})`;
      if (seen.has(s.index)) return `segment ${s.index}/${s.count} appears twice`;
      seen.add(s.index);
    }
  }
  const latestStart = Math.max(...results.map((r) => Date.parse(r.startedAt)));
  const earliestEnd = Math.min(...results.map((r) => Date.parse(r.endedAt)));
  if (latestStart >= earliestEnd)
    return 'the runs did not overlap in time: merging adds rates of generators that ran side by side';
  return undefined;
}

/**
 * Combines results of generators that ran side by side (several machines
 * against one target). Histograms are added bucket by bucket, so merged
 * percentiles are exact, never averages of percentiles. Series are aligned
 * on their second index; rates add up because the generators overlapped in
 * time, so the merged duration is the longest of the inputs.
 */
export function mergeResults(results: readonly RunResult[], options: MergeOptions = {}): RunResult {
  const [first] = results;
  if (!first) throw new PerflabError(E_RESULT_INVALID, 'merge needs at least one result');
  const mismatch = options.force ? undefined : mergeMismatch(results);
  if (mismatch !== undefined)
    throw new PerflabError(E_MERGE_MISMATCH, `refusing to merge: ${mismatch} (--force merges anyway)`);
  const endpointHists = new Map<string, Histogram>();
  const endpoints: Record<string, EndpointResult> = {};
  const total = createHistogram();
  const seriesHists = new Map<number, { point: SeriesPoint; h: Histogram }>();
  const errorsByKind = emptyErrorCounts();
  let requests = 0;
  let errors = 0;
  for (const r of results) {
    requests += r.totals.requests;
    errors += r.totals.errors;
    addCounts(errorsByKind, r.totals.errorsByKind);
    addInto(total, r.histogram);
    for (const [name, ep] of Object.entries(r.endpoints)) {
      const acc = (endpoints[name] ??= {
        requests: 0,
        errors: 0,
        errorsByKind: emptyErrorCounts(),
        statusCodes: {},
        latency: summarize(createHistogram()),
        histogram: '',
      });
      acc.requests += ep.requests;
      if (acc.sample === undefined && ep.sample !== undefined) acc.sample = ep.sample;
      acc.errors += ep.errors;
      addCounts(acc.errorsByKind, ep.errorsByKind);
      for (const [code, n] of Object.entries(ep.statusCodes))
        acc.statusCodes[code] = (acc.statusCodes[code] ?? 0) + n;
      addChecks(acc, ep);
      addPolls(acc, ep);
      let h = endpointHists.get(name);
      if (!h) endpointHists.set(name, (h = createHistogram()));
      addInto(h, ep.histogram);
    }
    for (const p of r.series) {
      let s = seriesHists.get(p.second);
      if (!s)
        seriesHists.set(p.second, (s = { point: { ...p, requests: 0, errors: 0 }, h: createHistogram() }));
      s.point.requests += p.requests;
      s.point.errors += p.errors;
      addInto(s.h, p.histogram);
    }
  }
  for (const [name, h] of endpointHists) {
    const ep = endpoints[name] as EndpointResult;
    ep.latency = summarize(h);
    ep.histogram = encodeHistogram(h);
    h.destroy();
  }
  const series = [...seriesHists.values()]
    .sort((a, b) => a.point.second - b.point.second)
    .map(({ point, h }) => {
      const s = summarize(h);
      const out = { ...point, p50: s.p50, p95: s.p95, p99: s.p99, histogram: encodeHistogram(h) };
      h.destroy();
      return out;
    });
  const durationMs = Math.max(...results.map((r) => r.durationMs));
  const keptUp = results.every((r) => r.generator.keptUp);
  const { segment: _segment, ...whole } = first;
  const merged: RunResult = {
    ...whole,
    status: results.every((r) => r.status === 'complete') ? 'complete' : 'interrupted',
    startedAt: results.map((r) => r.startedAt).sort()[0] as string,
    endedAt: results.map((r) => r.endedAt).sort()[results.length - 1] as string,
    durationMs,
    totals: {
      requests,
      errors,
      rps: durationMs > 0 ? Math.round((requests / durationMs) * 100_000) / 100 : 0,
      errorsByKind,
    },
    endpoints,
    latency: summarize(total),
    histogram: encodeHistogram(total),
    series,
    generator: {
      keptUp,
      reasons: results.flatMap((r, i) => r.generator.reasons.map((why) => `generator ${i + 1}: ${why}`)),
      dropped: results.reduce((s, r) => s + r.generator.dropped, 0),
      maxInFlight: results.reduce((s, r) => s + r.generator.maxInFlight, 0),
    },
    // Every generator scraped the same target; the first one's view stands for all.
    server: first.server,
    thresholds: [],
    mergedFrom: results.reduce((s, r) => s + (r.mergedFrom ?? 1), 0),
  };
  total.destroy();
  merged.thresholds = evaluateThresholds(parseThresholds(first.config.thresholds), merged);
  return merged;
}
