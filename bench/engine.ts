/**
 * `npm run bench:engine`: perflab's closed model against raw autocannon and
 * wrk, then the open model at a fixed rate, then (optionally) memory.
 *
 * A trivial node:http server is pinned to core 0 and every generator to
 * core 1. Rounds alternate the generators (rotated each round) and the
 * report gives medians plus ratios to baselines measured in the same run:
 * raw autocannon and wrk. Generator CPU per request is the generator's own
 * CPU time (process.cpuUsage, or /proc for wrk) over requests served.
 *
 * Env: BENCH_ROUNDS (3), BENCH_DURATION s (5), BENCH_CONNECTIONS (50),
 * BENCH_RATE (10000) for the open model, BENCH_MEMORY_REQUESTS (0 = skip;
 * the figure is 2000000), BENCH_ONLY (closed,open,memory), BENCH_MAX_CONNECTIONS
 * (open model cap, 256), BENCH_OUT (.perflab/bench-engine.json).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import {
  cpuMicros,
  firstJsonLine,
  GENERATOR_CORE,
  SERVER_CORE,
  spawnPinned,
  spawnTs,
  stdoutOf,
  stop,
  waitForQuietMachine,
} from './lib/pinned.js';
import { alternation, fmt, median, printTable } from './lib/stats.js';
import { envInt } from './lib/env.js';

const ROUNDS = envInt('BENCH_ROUNDS', 3);
const DURATION_S = envInt('BENCH_DURATION', 5);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 50);
const RATE = envInt('BENCH_RATE', 10_000);
const MEMORY_REQUESTS = envInt('BENCH_MEMORY_REQUESTS', 0, 0);
const OUT = process.env.BENCH_OUT ?? '.perflab/bench-engine.json';
/** Comma-separated parts to run: closed, open, memory (default: all, memory only with BENCH_MEMORY_REQUESTS). */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'closed,open,memory').split(','));

type Generator = 'perflab-closed' | 'autocannon' | 'wrk';
interface Sample {
  generator: Generator;
  round: number;
  rps: number;
  cpuUsPerReq: number;
  p99: number | undefined;
}

async function drive(
  url: string,
  driver: string,
  extra: NodeJS.ProcessEnv = {},
): Promise<Record<string, number>> {
  const child = spawnTs(GENERATOR_CORE, 'bench/lib/drive.ts', {
    BENCH_URL: `${url}/`,
    BENCH_DRIVER: driver,
    BENCH_DURATION_MS: String(DURATION_S * 1000),
    BENCH_CONNECTIONS: String(CONNECTIONS),
    BENCH_RATE: String(RATE),
    ...extra,
  });
  return firstJsonLine<Record<string, number>>(child);
}

async function wrk(url: string): Promise<{ rps: number; cpuUsPerReq: number; p99: number | undefined }> {
  const child = spawnPinned(GENERATOR_CORE, 'wrk', [
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${DURATION_S}s`,
    '--latency',
    `${url}/`,
  ]);
  const pid = child.pid as number;
  let cpu = 0;
  // wrk's CPU time is read from /proc while it runs; the last reading misses at most one interval.
  const poll = setInterval(() => {
    try {
      cpu = cpuMicros(pid);
    } catch {
      // exited between ticks
    }
  }, 100);
  const out = await stdoutOf(child);
  clearInterval(poll);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const total = Number(/(\d+) requests in/.exec(out)?.[1]);
  const p99m = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const unit = p99m?.[2] === 'us' ? 0.001 : p99m?.[2] === 's' ? 1000 : 1;
  return { rps, cpuUsPerReq: cpu / total, p99: p99m ? Number(p99m[1]) * unit : undefined };
}

/** A run that fails (a starved server on a shared core) is reported and skipped, not fatal. */
async function attempt<T>(f: () => Promise<T>): Promise<T | undefined> {
  await waitForQuietMachine();
  try {
    return await f();
  } catch (err) {
    console.log(`  run failed, skipped: ${String((err as Error).message).split('\n')[0]}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  if (spawnSync('which', ['wrk']).status !== 0) throw new Error('wrk is missing: apt-get install -y wrk');
  const server = spawnTs(SERVER_CORE, 'bench/lib/servers.ts', { BENCH_SERVER: 'trivial' });
  const { url } = await firstJsonLine<{ url: string }>(server);
  try {
    console.log(`bench:engine  server ${url} on core ${SERVER_CORE}, generators on core ${GENERATOR_CORE}`);
    console.log(`${ROUNDS} rounds x ${DURATION_S} s, ${CONNECTIONS} connections, alternating`);
    // Other processes on the same two cores skew everything; say how busy the machine was.
    const loadBefore = loadavg()[0] ?? 0;
    console.log(`load average at start: ${fmt(loadBefore, 2)}\n`);
    const samples: Sample[] = [];
    for (const { round, contender } of alternation<Generator>(
      ['perflab-closed', 'autocannon', 'wrk'],
      ONLY.has('closed') ? ROUNDS : 0,
    )) {
      const m = await attempt<{ rps?: number; cpuUsPerReq?: number; p99?: number }>(() =>
        contender === 'wrk' ? wrk(url) : drive(url, contender),
      );
      if (!m) continue;
      samples.push({
        generator: contender,
        round,
        rps: m.rps ?? 0,
        cpuUsPerReq: m.cpuUsPerReq ?? 0,
        p99: m.p99,
      });
      console.log(
        `  round ${round + 1} ${contender.padEnd(15)} ${fmt(m.rps ?? 0)} req/s  ${fmt(m.cpuUsPerReq ?? 0, 1)} µs CPU/req`,
      );
    }
    const med = (g: Generator, k: 'rps' | 'cpuUsPerReq') =>
      median(samples.filter((s) => s.generator === g).map((s) => s[k]));
    const base = { autocannon: med('autocannon', 'rps'), wrk: med('wrk', 'rps') };
    if (samples.length > 0) console.log('\nclosed model, medians');
    if (samples.length > 0)
      printTable(
        ['generator', 'req/s', 'vs autocannon', 'vs wrk', 'CPU µs/req'],
        (['perflab-closed', 'autocannon', 'wrk'] as const).map((g) => [
          g,
          fmt(med(g, 'rps')),
          fmt(med(g, 'rps') / base.autocannon, 3),
          fmt(med(g, 'rps') / base.wrk, 3),
          fmt(med(g, 'cpuUsPerReq'), 1),
        ]),
      );

    const open: { timing: string; m: Record<string, number> }[] = [];
    if (ONLY.has('open')) {
      console.log(
        `\nopen model at ${RATE} req/s for ${DURATION_S} s, ${ROUNDS} runs per timing mode, alternating`,
      );
    }
    for (const { contender: timing } of alternation(['timer', 'precise'], ONLY.has('open') ? ROUNDS : 0)) {
      const m = await attempt(() =>
        drive(url, 'perflab-open', { BENCH_PRECISE: timing === 'precise' ? '1' : '0' }),
      );
      if (m) open.push({ timing, m });
    }
    // Timer runs first, then precise ones.
    open.sort((a, b) => b.timing.localeCompare(a.timing));
    if (open.length > 0)
      printTable(
        [
          'timing',
          'achieved req/s',
          'vs target',
          'send lag p99 ms',
          'p99 ms',
          'CPU µs/req',
          'connections',
          'kept up',
        ],
        open.map(({ timing, m: o }) => [
          timing,
          fmt(o.rps ?? 0),
          fmt((o.rps ?? 0) / RATE, 4),
          fmt(o.sendLagP99 ?? NaN, 2),
          fmt(o.p99 ?? NaN, 2),
          fmt(o.cpuUsPerReq ?? 0, 1),
          String(o.connections),
          String(o.keptUp),
        ]),
      );

    let memory: Record<string, number> | undefined;
    if (MEMORY_REQUESTS > 0 && ONLY.has('memory')) {
      console.log(`\nmemory: closed model, ${fmt(MEMORY_REQUESTS)} requests`);
      memory = await attempt(() => drive(url, 'perflab-memory', { BENCH_REQUESTS: String(MEMORY_REQUESTS) }));
      if (memory)
        console.log(
          `  ${fmt(memory.requests ?? 0)} requests, peak generator RSS ${fmt(memory.peakRssMb ?? 0, 1)} MB`,
        );
    }

    mkdirSync(dirname(OUT), { recursive: true });
    const loadAfter = loadavg()[0] ?? 0;
    console.log(`\nload average at end: ${fmt(loadAfter, 2)}`);
    const summary = {
      loadAverage: { start: loadBefore, end: loadAfter },
      rounds: ROUNDS,
      durationS: DURATION_S,
      connections: CONNECTIONS,
      closed: {
        perflab: { rps: med('perflab-closed', 'rps'), cpuUsPerReq: med('perflab-closed', 'cpuUsPerReq') },
        autocannon: { rps: base.autocannon, cpuUsPerReq: med('autocannon', 'cpuUsPerReq') },
        wrk: { rps: base.wrk, cpuUsPerReq: med('wrk', 'cpuUsPerReq') },
        perflabVsAutocannon: med('perflab-closed', 'rps') / base.autocannon,
        perflabVsWrk: med('perflab-closed', 'rps') / base.wrk,
      },
      open: { rate: RATE, runs: open },
      memory,
      samples,
    };
    writeFileSync(OUT, JSON.stringify(summary, null, 2));
    console.log(`\nwritten to ${OUT}`);
  } finally {
    await stop(server);
  }
}

await main();
