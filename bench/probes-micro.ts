/**
 * `npm run bench:probes-micro`: the probes' own CPU per request, without an
 * app, a database or a network, so the figure is the probes' code alone (hot
 * in cache) and steady enough to compare changes of a few microseconds, which
 * bench:probes cannot resolve on a noisy machine.
 *
 * Each configuration runs in its own processes (bench/probes-micro-child.ts,
 * BENCH_PROCESSES of each, default 2) on core 0; this driver sits on core 1.
 * Rounds hand each process a slice of BENCH_SLICE_MS (200) in turn, rotated
 * per round, so every configuration is measured moments apart from the
 * others. A slice's figure is the child's CPU time over the requests it ran;
 * the table gives medians over all slices and the difference from `bare`
 * (the fake request alone) measured in the same run.
 *
 *   bare       the fake request, response and two queries, no probes
 *   metrics    createProbes with tracing off: histograms, request state, DB wrapper
 *   spans      lean tracing with nothing to export: spans are contexts, not recorded
 *   recorded   spans recorded into a processor that keeps none: recording without serializing
 *   full       spans recorded and serialized as OTLP/protobuf (the body built, then discarded)
 *   full-json  the same as OTLP/JSON
 *
 * BENCH_PACED=1 runs requests in bursts of 5 every 5 ms (about 1,000 a
 * second) instead of back to back: caches go cold between bursts, as they do
 * inside a busy application, and the probes' code weighs several times more.
 *
 * BENCH_MICRO_BEFORE=<another checkout> also runs every configuration but
 * bare from that checkout (with its own node_modules), as "<config> (before)",
 * alternating with this one's: a change measured against the code before it
 * in one run, on the same machine state.
 *
 * Env: BENCH_ROUNDS (30), BENCH_SLICE_MS (200), BENCH_PROCESSES (2), BENCH_PACED,
 * BENCH_MICRO_CONFIGS (a comma-separated subset; bare is always run), BENCH_MICRO_BEFORE,
 * BENCH_OUT (.perflab/bench-probes-micro.json), and OTEL_TRACES_SAMPLER and
 * OTEL_TRACES_SAMPLER_ARG (default: every span sampled) for what it costs to sample fewer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GENERATOR_CORE, nextMessage, SERVER_CORE, stop } from './lib/pinned.js';
import { alternation, fmt, median, printTable } from './lib/stats.js';
import { envInt, orExit } from './lib/env.js';
import { parseMicroContenders, type MicroContender } from './lib/variants.js';

const ROUNDS = envInt('BENCH_ROUNDS', 30);
const SLICE_MS = envInt('BENCH_SLICE_MS', 200);
const PROCESSES = envInt('BENCH_PROCESSES', 2);
const OUT = process.env.BENCH_OUT ?? '.perflab/bench-probes-micro.json';
const PACED = process.env.BENCH_PACED === '1';

const CHILD = 'bench/probes-micro-child.ts';
/** What each child reports sampling spans with (one, unless a checkout differs). */
const samplers = new Set<string>();
const LIST = orExit(() =>
  parseMicroContenders(process.env.BENCH_MICRO_CONFIGS, process.env.BENCH_MICRO_BEFORE),
);

interface Worker extends MicroContender {
  child: ChildProcess;
}

async function startWorker(c: MicroContender): Promise<Worker> {
  // taskset execs node in place, so the IPC channel reaches it.
  const child = spawn('taskset', ['-c', String(SERVER_CORE), process.execPath, '--import', 'tsx', CHILD], {
    env: { ...process.env, BENCH_MICRO_CONFIG: c.config },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(c.cwd ? { cwd: c.cwd } : {}),
  });
  try {
    // A checkout from before samplers were reported sends none (it samples every span).
    const { sampler = 'AlwaysOnSampler' } = await nextMessage<{ ready: true; sampler?: string }>(child);
    samplers.add(sampler);
  } catch (err) {
    throw new Error(`${c.name}${c.cwd ? ` (from ${c.cwd})` : ''} did not start: ${(err as Error).message}`);
  }
  return { ...c, child };
}

async function main(): Promise<void> {
  spawn('taskset', ['-p', '-c', String(GENERATOR_CORE), String(process.pid)], { stdio: 'ignore' });
  process.stderr.write(
    `bench:probes-micro  ${ROUNDS} rounds x ${SLICE_MS} ms per process, ${PROCESSES} processes per configuration, on core ${SERVER_CORE}${PACED ? ', paced' : ''}\n`,
  );
  const workers: Worker[] = [];
  try {
    for (let p = 0; p < PROCESSES; p++) for (const c of LIST) workers.push(await startWorker(c));
    process.stderr.write(`  spans sampled by ${[...samplers].join(', ')}\n`);
    const slices = new Map<string, number[]>(LIST.map((c) => [c.name, []]));
    for (const { round, contender: w } of alternation(workers, ROUNDS)) {
      w.child.send({ ms: SLICE_MS });
      const r = await nextMessage<{ requests: number; cpuMicros: number }>(w.child);
      slices.get(w.name)!.push(r.cpuMicros / r.requests);
      if (round % 10 === 9 && w === workers[workers.length - 1])
        process.stderr.write(`  round ${round + 1}\n`);
    }
    const base = median(slices.get('bare')!);
    const rows = LIST.map(({ name }) => {
      const s = slices.get(name)!;
      return {
        config: name,
        usPerRequest: median(s),
        addedUs: median(s) - base,
        minUs: Math.min(...s),
        slices: s.length,
      };
    });
    printTable(
      ['configuration', 'CPU µs/req (median)', 'added vs bare', 'min'],
      rows.map((r) => [r.config, fmt(r.usPerRequest, 2), fmt(r.addedUs, 2), fmt(r.minUs, 2)]),
    );
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(
      OUT,
      JSON.stringify(
        {
          rounds: ROUNDS,
          sliceMs: SLICE_MS,
          processes: PROCESSES,
          paced: PACED,
          sampler: [...samplers].join(', '),
          rows,
        },
        null,
        2,
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => stop(w.child)));
  }
}

await main();
