/**
 * The paired comparison behind `npm run bench:probes`: each variant run is set
 * against the mean of the bare runs measured just before and after it, and
 * the report gives the median over rounds together with the lowest and
 * highest round, because on this shared machine one round can move by more
 * than the effect being measured, and a 95% bootstrap interval of the median,
 * which says whether the rounds resolve a goal or only land near it.
 */
import { median, medianInterval, type Interval } from './stats.js';

/** One measured run of one server. */
export interface Sample {
  name: string;
  round: number;
  rps: number;
  requests: number;
  cpuUsPerReq: number;
  /** p50 and p90 beside p99 show whether the tail grows on its own or the whole distribution stretches. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  errors: number;
}

/** A range over rounds, lowest first. */
export interface Spread {
  min: number;
  max: number;
}

export interface Summary {
  name: string;
  /** The bare row every other row is set against. */
  baseline: boolean;
  rps: number;
  cpuUsPerReq: number;
  p99Ms: number;
  addedCpuUs: number;
  throughputRatio: number;
  p99AddedMs: number;
  /** Per-round added CPU µs and throughput ratio; a single point for the bare row. */
  addedCpuRange: Spread;
  ratioRange: Spread;
  /** 95% bootstrap intervals of the medians over rounds; a single point for the bare row. */
  addedCpuInterval: Interval;
  ratioInterval: Interval;
  p99AddedInterval: Interval;
}

const spread = (values: readonly number[]): Spread => ({
  min: Math.min(...values),
  max: Math.max(...values),
});

/** A server's own figures, median over its runs. */
function medians(runs: readonly Sample[]): Pick<Summary, 'rps' | 'cpuUsPerReq' | 'p99Ms'> {
  return {
    rps: median(runs.map((s) => s.rps)),
    cpuUsPerReq: median(runs.map((s) => s.cpuUsPerReq)),
    p99Ms: median(runs.map((s) => s.p99Ms)),
  };
}

/**
 * Samples in the order they were measured: bare, v1, bare, v2, bare ... A
 * variant sample without a bare neighbour on both sides is a programming
 * error in the bench and throws.
 */
export function summarize(samples: readonly Sample[], bareName: string): Summary[] {
  const bare = samples.filter((s) => s.name === bareName);
  if (bare.length === 0) throw new Error(`no "${bareName}" samples to compare with`);
  const out: Summary[] = [
    {
      name: bareName,
      baseline: true,
      ...medians(bare),
      addedCpuUs: 0,
      throughputRatio: 1,
      p99AddedMs: 0,
      addedCpuRange: { min: 0, max: 0 },
      ratioRange: { min: 1, max: 1 },
      addedCpuInterval: { low: 0, high: 0 },
      ratioInterval: { low: 1, high: 1 },
      p99AddedInterval: { low: 0, high: 0 },
    },
  ];
  const names = [...new Set(samples.map((s) => s.name))].filter((n) => n !== bareName);
  for (const name of names) {
    const added: number[] = [];
    const ratio: number[] = [];
    const p99: number[] = [];
    samples.forEach((s, i) => {
      if (s.name !== name) return;
      const prev = samples[i - 1];
      const next = samples[i + 1];
      if (prev?.name !== bareName || next?.name !== bareName) {
        throw new Error(`"${name}" (round ${s.round}) lacks a "${bareName}" run on each side`);
      }
      added.push(s.cpuUsPerReq - (prev.cpuUsPerReq + next.cpuUsPerReq) / 2);
      ratio.push(s.rps / ((prev.rps + next.rps) / 2));
      p99.push(s.p99Ms - (prev.p99Ms + next.p99Ms) / 2);
    });
    out.push({
      name,
      baseline: false,
      ...medians(samples.filter((s) => s.name === name)),
      addedCpuUs: median(added),
      throughputRatio: median(ratio),
      p99AddedMs: median(p99),
      addedCpuRange: spread(added),
      ratioRange: spread(ratio),
      addedCpuInterval: medianInterval(added),
      ratioInterval: medianInterval(ratio),
      p99AddedInterval: medianInterval(p99),
    });
  }
  return out;
}

/** The Markdown table bench:probes prints and bench/RESULTS.md quotes. */
export function formatSummaryTable(title: string, rows: readonly Summary[]): string {
  const lines = [
    `### ${title}`,
    '',
    '| variant | req/s | CPU µs/req | added CPU µs/req vs bare (rounds) | throughput vs bare (rounds) | throughput, 95% interval | p99 ms | p99 added ms (95% interval) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const cpuRange =
      r.addedCpuRange.min === r.addedCpuRange.max
        ? ''
        : ` (${r.addedCpuRange.min.toFixed(0)} to ${r.addedCpuRange.max.toFixed(0)})`;
    const ratioRange =
      r.ratioRange.min === r.ratioRange.max
        ? ''
        : ` (${r.ratioRange.min.toFixed(2)}-${r.ratioRange.max.toFixed(2)})`;
    const ratioInterval = r.baseline
      ? ''
      : `${r.ratioInterval.low.toFixed(3)}-${r.ratioInterval.high.toFixed(3)}x`;
    const p99Interval = r.baseline
      ? ''
      : ` (${r.p99AddedInterval.low.toFixed(1)} to ${r.p99AddedInterval.high.toFixed(1)})`;
    lines.push(
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.cpuUsPerReq.toFixed(1)} | ${r.addedCpuUs.toFixed(1)}${cpuRange} | ${r.throughputRatio.toFixed(2)}x${ratioRange} | ${ratioInterval} | ${r.p99Ms.toFixed(0)} | ${r.p99AddedMs.toFixed(1)}${p99Interval} |`,
    );
  }
  return lines.join('\n');
}

/** The bare rows of bench:probes' two tables: the trivial route's and the target app's. */
export const BARE_NAMES = ['bare', 'target bare'] as const;

/**
 * The runs kept in one bench:probes output (its `samples`), checked: an
 * output of an older bench, or another file, is named in the error.
 */
export function samplesOf(path: string, text: string): Sample[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${path}: not JSON`);
  }
  const samples = (doc as { samples?: unknown } | null)?.samples;
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new Error(`${path}: no "samples" array (written by bench:probes since it keeps every run)`);
  }
  samples.forEach((s: Partial<Sample> | null, i) => {
    const ok =
      typeof s?.name === 'string' &&
      (['rps', 'cpuUsPerReq', 'p99Ms'] as const).every(
        (k) => typeof s[k] === 'number' && Number.isFinite(s[k]),
      );
    if (!ok) throw new Error(`${path}: samples[${i}] lacks a name, rps, cpuUsPerReq or p99Ms`);
  });
  return samples as Sample[];
}

/**
 * Runs split by table, in their order: a bare run opens or continues its own
 * table, and any other run belongs to the table of the bare run before it.
 * Outputs appended one after another pool cleanly, since each table in an
 * output begins and ends with a bare run.
 */
export function splitTables(
  samples: readonly Sample[],
  bareNames: readonly string[] = BARE_NAMES,
): Map<string, Sample[]> {
  const tables = new Map<string, Sample[]>();
  let current: string | undefined;
  for (const s of samples) {
    if (bareNames.includes(s.name)) current = s.name;
    if (current === undefined) throw new Error(`"${s.name}" comes before any bare run`);
    let table = tables.get(current);
    if (!table) tables.set(current, (table = []));
    table.push(s);
  }
  return tables;
}
