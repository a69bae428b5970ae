/**
 * `npm run bench:probes`: what the probes cost, measured as the server's CPU
 * time per request (utime+stime from /proc/<pid>/stat, steady on a noisy
 * machine) alongside req/s and p99 latency.
 *
 * The server is pinned to core 0 (`taskset -c 0`), this process (autocannon
 * and the OTLP receiver) to core 1. Rounds alternate bare and each variant,
 * so every variant run has a bare run right before and after it; a variant's
 * cost is its CPU/request minus the mean of those two neighbours, and the
 * report gives the median over rounds with the lowest and highest round
 * (bench/lib/paired.ts).
 *
 * Every measurement runs in a server process of its own, started, warmed up
 * for BENCH_WARMUP seconds and measured straight after, then stopped: every
 * variant and every bare run is treated alike, and one process's JIT luck
 * (two processes of the same code differ by up to 10% here) does not decide
 * a figure. A second bare server ("bare (control)") runs as one more variant:
 * its distance from bare is the method's own noise floor on this machine.
 *
 * Why not one bare server per round, stopped (SIGSTOP) while the others are
 * measured, as this bench did before: V8 reads a stop as the application
 * going idle. On resume its memory reducer shrinks the heap (`--trace-gc`
 * shows "Mark-Compact (reduce)") and the young generation regrows under load.
 * After a 30 s stop the order-history route measured 1,462 then 845 µs a
 * request in its first two seconds bare (750 steady) and 2,208 then 1,192
 * with the full probes (870 steady). A variant waited stopped longer than
 * the bare runs beside it, so the transient was charged to the variant.
 *
 * On a local PostgreSQL, the postmaster and its backends are pinned to the load
 * core for the run (and restored after), so the database does not compete with
 * the server under test for core 0.
 *
 * Env: BENCH_ROUNDS (5), BENCH_DURATION s (5), BENCH_WARMUP s (8), BENCH_CONNECTIONS (50),
 * BENCH_DATABASE_URL (run the target app on PostgreSQL instead of embedded PGlite),
 * BENCH_TARGET_DIAG=1 (also: spans without export, metrics only, AsyncLocalStorage only,
 * and bare with a 50 µs busy-wait per request to calibrate the method),
 * BENCH_TARGET_EXTRA (a JSON array of more target variants: {name, variant, register?, env?, cwd?}; register is
 * a module loaded with --import, e.g. ./probes/register.ts; cwd another checkout, with its node_modules, to
 * compare two versions of the code in one run), BENCH_TARGET_MIDDLEWARE=0 (skip the middleware-wired row),
 * BENCH_TARGET=0 / BENCH_TRIVIAL=0 to skip the target-app pair / the trivial route, BENCH_ONLY (row names
 * separated by ";": measure only these rows beside each table's bare), BENCH_OUT (.perflab/bench-probes.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import autocannon from 'autocannon';
import { cpuMicros, GENERATOR_CORE, pinLocalPostgres, stop } from './lib/pinned.js';
import { formatSummaryTable, summarize, type Sample, type Summary } from './lib/paired.js';
import { envInt, orExit } from './lib/env.js';
import { parseExtraSpecs, selectRows, type ServerSpec } from './lib/variants.js';
import { spawnOtlpSink } from './lib/otlp-sink.js';

const ROUNDS = envInt('BENCH_ROUNDS', 5);
const WARMUP = envInt('BENCH_WARMUP', 8, 0);
const DURATION = envInt('BENCH_DURATION', 5);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 50);
const WITH_TARGET = process.env.BENCH_TARGET !== '0';
const WITH_TRIVIAL = process.env.BENCH_TRIVIAL !== '0';
const OUT = process.env.BENCH_OUT ?? '.perflab/bench-probes.json';
// Checked before anything starts: a typo must not surface after the first routes' rounds.
const EXTRA = process.env.BENCH_TARGET_EXTRA
  ? orExit(() => parseExtraSpecs(process.env.BENCH_TARGET_EXTRA!))
  : [];
const PROBES_REGISTER = './probes/register.ts';
const TARGET_REGISTER = './target-app/register.ts';

function trivialSpecs(): ServerSpec[] {
  return [
    { name: 'bare', variant: 'bare' },
    { name: 'bare (control)', variant: 'bare' },
    { name: 'metrics+logs', variant: 'metrics-logs' },
    { name: 'metrics+logs, app wrapped', variant: 'metrics-logs', env: { BENCH_WIRING: 'wrap' } },
    { name: 'full probes', variant: 'full', register: PROBES_REGISTER },
    {
      name: 'full, app wrapped',
      variant: 'full',
      register: PROBES_REGISTER,
      env: { BENCH_WIRING: 'wrap' },
    },
    { name: 'otel auto', variant: 'otel', register: PROBES_REGISTER, env: { PERFLAB_TRACING: 'auto' } },
  ];
}

function targetSpecs(): ServerSpec[] {
  const tSpecs: ServerSpec[] = [
    { name: 'target bare', variant: 'target-bare' },
    { name: 'target bare (control)', variant: 'target-bare' },
    // As `npm start` runs it: explicit context, no AsyncLocalStorage, the app wrapped.
    { name: 'target full', variant: 'target-full', register: TARGET_REGISTER },
  ];
  if (process.env.BENCH_TARGET_MIDDLEWARE !== '0') {
    tSpecs.push({
      name: 'target full, middleware',
      variant: 'target-full',
      register: TARGET_REGISTER,
      env: { BENCH_WIRING: 'middleware' },
    });
  }
  if (process.env.BENCH_TARGET_DIAG === '1') {
    tSpecs.push(
      {
        name: 'target full, AsyncLocalStorage context',
        variant: 'target-full',
        register: PROBES_REGISTER,
      },
      {
        name: 'target spans, no export',
        variant: 'target-full',
        register: TARGET_REGISTER,
        env: { OTEL_TRACES_EXPORTER: 'none' },
      },
      { name: 'target metrics', variant: 'target-metrics', env: { PERFLAB_CONTEXT: 'explicit' } },
      { name: 'target ALS only', variant: 'target-als' },
      { name: 'target bare + 50 µs busy-wait', variant: 'target-bare', env: { BENCH_BURN_US: '50' } },
      {
        name: 'target otel auto',
        variant: 'target-bare',
        register: PROBES_REGISTER,
        env: { PERFLAB_TRACING: 'auto' },
      },
    );
  }
  tSpecs.push(...EXTRA);
  return tSpecs;
}

// Also checked before anything starts.
const [TRIVIAL_SPECS = [], TARGET_SPECS = []] = orExit(() =>
  selectRows(process.env.BENCH_ONLY, [WITH_TRIVIAL ? trivialSpecs() : [], WITH_TARGET ? targetSpecs() : []]),
);

interface Running {
  spec: ServerSpec;
  proc: ChildProcess;
  pid: number;
  url: string;
  path: string;
  headers: Record<string, string>;
}

async function start(spec: ServerSpec, otlp: string): Promise<Running> {
  const args = ['-c', '0', process.execPath, '--import', 'tsx'];
  if (spec.register) args.push('--import', spec.register);
  args.push('bench/probes-server.ts');
  const proc = spawn('taskset', args, {
    env: {
      ...process.env,
      BENCH_VARIANT: spec.variant,
      NODE_ENV: 'production',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_SERVICE_NAME: `bench-${spec.name}`,
      ...spec.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
  });
  let buffer = '';
  const info = await new Promise<{ url: string; path: string; headers: Record<string, string> }>(
    (resolve, reject) => {
      proc.stdout!.on('data', (c: Buffer) => {
        buffer += c.toString('utf8');
        const line = buffer.split('\n').find((l) => l.startsWith('{"url"'));
        if (line) resolve(JSON.parse(line) as { url: string; path: string; headers: Record<string, string> });
      });
      proc.once('exit', (code) =>
        reject(new Error(`${spec.name} exited with ${String(code)} before listening`)),
      );
    },
  );
  // taskset execs node in place, so the child pid is the server's pid.
  return { spec, proc, pid: proc.pid!, ...info };
}

async function load(server: Running, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: server.url + server.path,
    headers: server.headers,
    connections: CONNECTIONS,
    duration: seconds,
  });
}

async function measure(server: Running, round: number): Promise<Sample> {
  const before = cpuMicros(server.pid);
  const result = await load(server, DURATION);
  const after = cpuMicros(server.pid);
  const requests = result.requests.total;
  const sample = {
    name: server.spec.name,
    round,
    rps: result.requests.average,
    requests,
    cpuUsPerReq: (after - before) / Math.max(1, requests),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
  process.stderr.write(
    `  round ${round} ${sample.name.padEnd(14)} ${sample.rps.toFixed(0).padStart(7)} req/s  ${sample.cpuUsPerReq.toFixed(1).padStart(6)} µs CPU/req  p99 ${sample.p99Ms} ms (p50 ${sample.p50Ms}, p90 ${sample.p90Ms})${sample.errors ? `  errors ${sample.errors}` : ''}\n`,
  );
  return sample;
}

/**
 * Runs bare, v1, bare, v2, bare ... per round, each in a fresh server process
 * warmed up and measured straight after (see the top of this file). Returns
 * every sample.
 */
async function alternate(specs: ServerSpec[], otlp: string): Promise<Sample[]> {
  const [bare, ...variants] = specs;
  const order = variants.flatMap((v) => [v, bare!]);
  const samples: Sample[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const spec of [bare!, ...order]) samples.push(await measureFresh(spec, otlp, round));
  }
  return samples;
}

/*
 * One server at a time: all share core 0, and an idle server's timers (the
 * event-loop-delay monitor wakes 100 times a second) would preempt the one
 * being measured.
 */
async function measureFresh(spec: ServerSpec, otlp: string, round: number): Promise<Sample> {
  const server = await start(spec, otlp);
  try {
    await load(server, WARMUP); // JIT, WebAssembly tiers, caches, pools
    return await measure(server, round);
  } finally {
    await stop(server.proc);
  }
}

async function main(): Promise<void> {
  const sink = await spawnOtlpSink(GENERATOR_CORE);
  const unpin = process.env.BENCH_DATABASE_URL
    ? pinLocalPostgres(process.env.BENCH_DATABASE_URL, GENERATOR_CORE, (m) => process.stderr.write(`${m}\n`))
    : () => {};
  try {
    process.stderr.write(
      `bench:probes  ${ROUNDS} rounds x ${DURATION} s, ${CONNECTIONS} connections, server on core 0, load on core 1\n`,
    );
    const report: string[] = [];
    // Every run is kept in the output as well, so the summary can be recomputed another way.
    const samples: Sample[] = [];
    let trivial: Summary[] | undefined;
    if (TRIVIAL_SPECS.length > 0) {
      const runs = await alternate(TRIVIAL_SPECS, sink.url);
      samples.push(...runs);
      trivial = summarize(runs, 'bare');
      report.push(
        formatSummaryTable(`Trivial route (GET /api/items/:id), ${CONNECTIONS} connections`, trivial),
      );
    }

    let target: Summary[] | undefined;
    if (TARGET_SPECS.length > 0) {
      const runs = await alternate(TARGET_SPECS, sink.url);
      samples.push(...runs);
      target = summarize(runs, 'target bare');
      const dbName = process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite';
      report.push(
        formatSummaryTable(
          `Target app order history (GET /api/orders?limit=20) on ${dbName}, ${CONNECTIONS} connections`,
          target,
        ),
      );
    }
    process.stdout.write(`\n${report.join('\n\n')}\n\nOTLP bytes received: ${await sink.bytes()}\n`);
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(
      OUT,
      JSON.stringify(
        { at: new Date().toISOString(), rounds: ROUNDS, duration: DURATION, trivial, target, samples },
        null,
        2,
      ),
    );
  } finally {
    await sink.close();
    unpin();
  }
}

await main();
