/**
 * `npm run bench:probes-toggle`: what the full probes add to a request of the
 * target app's order history, measured inside one process, so that the
 * process-to-process spread of bench:probes (up to 10% between two processes
 * of the same code) drops out.
 *
 * bench/probes-toggle-server.ts serves the route bare and with the full
 * probes (metrics, logs, lean tracing at 100% exported over OTLP/HTTP to a
 * sink here), switching every BENCH_SLICE_MS; autocannon (50 connections)
 * loads it the whole time. Each "on" slice's CPU per request is compared with
 * the "off" slices on either side. A control run switches between two bare
 * apps: its figure is the method's noise.
 *
 * What it cannot see: the cost of having the probes in the process at all.
 * Both halves share the JIT's code and feedback, the heap and the caches, so
 * a slowdown of code both run (Express, Node, pg) counts in neither half.
 * bench:probes, with separate processes, includes that. Requests straddling
 * a switch are charged to the slice they end in, which pulls both figures
 * toward each other a little.
 *
 * Server on core 0, this process on core 1 (and a local PostgreSQL too).
 * Env: BENCH_SLICE_MS (1000), BENCH_SLICES (90), BENCH_SKIP (6 warm-up
 * slices), BENCH_RUNS (1 pair of runs: probes, then control),
 * BENCH_CONNECTIONS (50), BENCH_DATABASE_URL (else embedded PGlite),
 * BENCH_OUT (.perflab/bench-probes-toggle.json), PERFLAB_TRACING=off (the probed side
 * without tracing: what metrics and logs alone add).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import autocannon from 'autocannon';
import { envInt } from './lib/env.js';
import { spawnOtlpSink } from './lib/otlp-sink.js';
import { GENERATOR_CORE, nextMessage, pinLocalPostgres, SERVER_CORE, stop } from './lib/pinned.js';
import { summarizeSlices, type Slice, type SliceSummary } from './lib/slices.js';
import { fmt, printTable } from './lib/stats.js';

const SLICE_MS = envInt('BENCH_SLICE_MS', 1000);
const SLICES = envInt('BENCH_SLICES', 90, 2);
const SKIP = envInt('BENCH_SKIP', 6, 0);
const RUNS = envInt('BENCH_RUNS', 1);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 50);
const OUT = process.env.BENCH_OUT ?? '.perflab/bench-probes-toggle.json';
const DB_URL = process.env.BENCH_DATABASE_URL;
const PROBED = process.env.PERFLAB_TRACING === 'off' ? 'metrics+logs' : 'full probes';

interface Ready {
  url: string;
  path: string;
  headers: Record<string, string>;
}

async function run(control: boolean, otlp: string): Promise<SliceSummary & { control: boolean }> {
  const child = spawn(
    'taskset',
    [
      '-c',
      String(SERVER_CORE),
      process.execPath,
      '--import',
      'tsx',
      '--import',
      './target-app/register.ts',
      'bench/probes-toggle-server.ts',
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
        OTEL_TRACES_SAMPLER: 'always_on',
        OTEL_SERVICE_NAME: 'bench-toggle',
        BENCH_CONTROL: control ? '1' : '0',
        BENCH_SLICE_MS: String(SLICE_MS),
        BENCH_SLICES: String(SLICES),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  try {
    const ready = await nextMessage<Ready>(child);
    const load = autocannon(
      {
        url: ready.url + ready.path,
        headers: ready.headers,
        connections: CONNECTIONS,
        // Bounded: longer than the slices, stopped as soon as they are done.
        duration: Math.ceil((SLICE_MS * SLICES) / 1000) + 10,
      },
      () => {},
    );
    const exited = once(child, 'exit');
    const { slices } = await nextMessage<{ slices: Slice[] }>(child);
    load.stop();
    await exited; // the server cleans up (drops its schema) and exits by itself
    const summary = summarizeSlices(slices, SKIP);
    process.stderr.write(
      `  ${control ? 'control' : 'probes '}  ${summary.pairs} pairs  ${signed(summary.addedMicros)} µs/req\n`,
    );
    return { control, ...summary };
  } finally {
    await stop(child);
  }
}

const signed = (n: number): string => `${n >= 0 ? '+' : ''}${fmt(n, 1)}`;

async function main(): Promise<void> {
  spawn('taskset', ['-p', '-c', String(GENERATOR_CORE), String(process.pid)], { stdio: 'ignore' });
  const sink = await spawnOtlpSink(GENERATOR_CORE);
  const unpin = DB_URL
    ? pinLocalPostgres(DB_URL, GENERATOR_CORE, (m) => process.stderr.write(`${m}\n`))
    : () => {};
  const results: Array<SliceSummary & { control: boolean }> = [];
  try {
    process.stderr.write(
      `bench:probes-toggle  ${RUNS} x (probes, control), ${SLICES} slices of ${SLICE_MS} ms, ${CONNECTIONS} connections, ${DB_URL ? 'PostgreSQL' : 'embedded PGlite'}\n`,
    );
    for (let r = 0; r < RUNS; r++) {
      results.push(await run(false, sink.url));
      results.push(await run(true, sink.url));
    }
  } finally {
    await sink.close();
    unpin();
  }
  printTable(
    ['run', 'pairs', 'off CPU µs/req', 'added µs/req (median)', 'quartiles', 'implied throughput'],
    results.map((s) => [
      s.control ? 'control (bare / bare)' : `${PROBED} / bare`,
      String(s.pairs),
      fmt(s.offMicros, 1),
      signed(s.addedMicros),
      `${fmt(s.q1, 1)} to ${fmt(s.q3, 1)}`,
      `${s.ratio.toFixed(3)}x`,
    ]),
  );
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(
    OUT,
    JSON.stringify({ at: new Date().toISOString(), sliceMs: SLICE_MS, slices: SLICES, results }, null, 2),
  );
}

await main();
