import { describe, expect, it } from 'vitest';
import {
  formatSummaryTable,
  samplesOf,
  splitTables,
  summarize,
  type Sample,
} from '../../../bench/lib/paired.js';

const sample = (name: string, round: number, rps: number, cpuUsPerReq: number, p99Ms = 50): Sample => ({
  name,
  round,
  rps,
  requests: rps * 4,
  cpuUsPerReq,
  p50Ms: p99Ms / 4,
  p90Ms: p99Ms / 2,
  p99Ms,
  errors: 0,
});

// bare, full, bare per round: the bench's order (one variant, two rounds, plus a third).
const samples: Sample[] = [
  sample('bare', 1, 1000, 700, 50),
  sample('full', 1, 800, 900, 60),
  sample('bare', 1, 1000, 700, 50),
  sample('bare', 2, 1100, 600, 40),
  sample('full', 2, 990, 650, 46),
  sample('bare', 2, 900, 700, 48),
  sample('bare', 3, 1000, 700, 50),
  sample('full', 3, 850, 800, 55),
  sample('bare', 3, 1000, 700, 50),
];

describe('summarize', () => {
  it('sets each variant run against the mean of its two bare neighbours, median over rounds', () => {
    const [bare, full] = summarize(samples, 'bare');
    expect(bare).toMatchObject({ name: 'bare', addedCpuUs: 0, throughputRatio: 1 });
    expect(full?.name).toBe('full');
    // Added CPU per round: 200, 650 - 650 = 0, 100; median 100.
    expect(full?.addedCpuUs).toBe(100);
    expect(full?.addedCpuRange).toEqual({ min: 0, max: 200 });
    // Ratios: 0.80, 990 / 1000 = 0.99, 0.85.
    expect(full?.throughputRatio).toBeCloseTo(0.85, 10);
    expect(full?.ratioRange.min).toBeCloseTo(0.8, 10);
    expect(full?.ratioRange.max).toBeCloseTo(0.99, 10);
    // p99 added: 10, 2, 5.
    expect(full?.p99AddedMs).toBe(5);
    // Three rounds resolve little: the interval of the median spans the rounds.
    expect(full?.ratioInterval.low).toBeCloseTo(0.8, 10);
    expect(full?.ratioInterval.high).toBeCloseTo(0.99, 10);
    expect(full?.p99AddedInterval).toEqual({ low: 2, high: 10 });
    expect(full?.baseline).toBe(false);
    expect(bare?.baseline).toBe(true);
  });

  it('refuses a variant run without a bare run on each side', () => {
    expect(() => summarize([sample('bare', 1, 1000, 700), sample('full', 1, 800, 900)], 'bare')).toThrow(
      /"full" \(round 1\) lacks a "bare" run on each side/,
    );
    expect(() => summarize([sample('full', 1, 800, 900)], 'bare')).toThrow(/no "bare" samples/);
  });
});

describe('formatSummaryTable', () => {
  it('prints the median with the lowest and highest round, and no range for the bare row', () => {
    const table = formatSummaryTable('Order history', summarize(samples, 'bare'));
    const lines = table.split('\n');
    expect(lines[0]).toBe('### Order history');
    expect(lines.find((l) => l.startsWith('| bare |'))).toMatch(/\| 0\.0 \| 1\.00x \|/);
    expect(lines.find((l) => l.startsWith('| full |'))).toMatch(
      /\| 100\.0 \(0 to 200\) \| 0\.85x \(0\.80-0\.99\) \| 0\.800-0\.990x \| \d+ \| 5\.0 \(2\.0 to 10\.0\) \|$/,
    );
    // The bare row has no interval to show.
    expect(lines.find((l) => l.startsWith('| bare |'))).toMatch(/\| 1\.00x \| {2}\| \d+ \| 0\.0 \|$/);
  });
});

describe('pooling outputs', () => {
  const output = (runs: Sample[]): string => JSON.stringify({ at: 'x', samples: runs });

  it('reads the runs of a bench:probes output and names a file that is not one', () => {
    expect(samplesOf('a.json', output(samples))).toEqual(samples);
    expect(() => samplesOf('b.json', '{')).toThrow(/^b\.json: not JSON$/);
    expect(() => samplesOf('c.json', JSON.stringify({ target: [] }))).toThrow(/^c\.json: no "samples" array/);
    expect(() => samplesOf('d.json', output([{ ...samples[0]!, rps: Number.NaN }]))).toThrow(
      /^d\.json: samples\[0\] lacks a name, rps, cpuUsPerReq or p99Ms$/,
    );
  });

  it('splits runs into their tables, so two outputs summarize as one longer run', () => {
    const target = (name: string, round: number, rps: number): Sample =>
      sample(name === 'bare' ? 'target bare' : `target ${name}`, round, rps, 1e6 / rps);
    const one = [
      ...samples.slice(0, 3),
      target('bare', 1, 1000),
      target('full', 1, 900),
      target('bare', 1, 1000),
    ];
    const two = [
      ...samples.slice(3),
      target('bare', 2, 1000),
      target('full', 2, 950),
      target('bare', 2, 1000),
    ];
    const tables = splitTables([...samplesOf('1', output(one)), ...samplesOf('2', output(two))]);
    expect([...tables.keys()]).toEqual(['bare', 'target bare']);
    expect(summarize(tables.get('bare')!, 'bare')).toEqual(summarize(samples, 'bare'));
    const [, full] = summarize(tables.get('target bare')!, 'target bare');
    expect(full?.name).toBe('target full');
    expect(full?.throughputRatio).toBeCloseTo(0.925, 10);
    expect(() => splitTables([sample('full', 1, 1, 1)])).toThrow(/"full" comes before any bare run/);
  });
});
