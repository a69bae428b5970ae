/**
 * The paired comparison behind `npm run bench:probes`: each variant run is set
 * against the mean of the bare runs measured just before and after it, and
 * the report gives the median over rounds together with the lowest and
 * highest round, because on this shared machine one round can move by more
 * than the effect being measured.
 */
import { median } from './stats.js';

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
  rps: number;
  cpuUsPerReq: number;
  p99Ms: number;
  addedCpuUs: number;
  throughputRatio: number;
  p99AddedMs: number;
  /** Per-round added CPU µs and throughput ratio; a single point for the bare row. */
  addedCpuRange: Spread;
  ratioRange: Spread;
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
      ...medians(bare),
      addedCpuUs: 0,
      throughputRatio: 1,
      p99AddedMs: 0,
      addedCpuRange: { min: 0, max: 0 },
      ratioRange: { min: 1, max: 1 },
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
      ...medians(samples.filter((s) => s.name === name)),
      addedCpuUs: median(added),
      throughputRatio: median(ratio),
      p99AddedMs: median(p99),
      addedCpuRange: spread(added),
      ratioRange: spread(ratio),
    });
  }
  return out;
}

/** The Markdown table bench:probes prints and docs/probes.md quotes. */
export function formatSummaryTable(title: string, rows: readonly Summary[]): string {
  const lines = [
    `### ${title}`,
    '',
    '| variant | req/s | CPU µs/req | added CPU µs/req vs bare (rounds) | throughput vs bare (rounds) | p99 ms | p99 added ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
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
    lines.push(
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.cpuUsPerReq.toFixed(1)} | ${r.addedCpuUs.toFixed(1)}${cpuRange} | ${r.throughputRatio.toFixed(2)}x${ratioRange} | ${r.p99Ms.toFixed(0)} | ${r.p99AddedMs.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}
