/**
 * `npm run bench:co`: coordinated omission, measured. A server that answers
 * in about 1 ms but blocks its event loop for 500 ms every 2 s (core 0) is
 * driven at 500 req/s for 20 s by perflab's open model (core 1). The
 * latencies a correct open-model generator must report follow from the
 * stall pattern alone; the bench prints them beside what perflab measured,
 * and beside raw autocannon's closed model and its -R mode against the same
 * server. Rounds alternate the generators; figures are medians.
 *
 * Env: BENCH_ROUNDS (3), BENCH_DURATION s (20), BENCH_RATE (500),
 * BENCH_STALL_MS (500), BENCH_STALL_EVERY_MS (2000), BENCH_CONNECTIONS (10,
 * autocannon), BENCH_OUT (.perflab/bench-co.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import {
  firstJsonLine,
  GENERATOR_CORE,
  SERVER_CORE,
  spawnTs,
  stop,
  waitForQuietMachine,
} from './lib/pinned.js';
import { alternation, fmt, median, printTable } from './lib/stats.js';
import { envInt } from './lib/env.js';

const ROUNDS = envInt('BENCH_ROUNDS', 3);
const DURATION_S = envInt('BENCH_DURATION', 20);
const RATE = envInt('BENCH_RATE', 500);
const STALL_MS = envInt('BENCH_STALL_MS', 500);
const STALL_EVERY_MS = envInt('BENCH_STALL_EVERY_MS', 2000);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 10);
const OUT = process.env.BENCH_OUT ?? '.perflab/bench-co.json';
const BASE_MS = 1;

/**
 * What an ideal open-model generator reports: arrivals every 1/RATE s; one
 * landing inside a stall (or up to BASE_MS before it, its answer timer then
 * waits too) waits for the stall to end, then takes BASE_MS.
 */
export function expectedLatencies(): { p50: number; p90: number; p99: number } {
  const values: number[] = [];
  const step = 1000 / RATE;
  for (let t = 0; t < DURATION_S * 1000; t += step) {
    const phase = t % STALL_EVERY_MS;
    const stallEnd = STALL_EVERY_MS + STALL_MS;
    const inStall = phase >= STALL_EVERY_MS - BASE_MS || phase < STALL_MS;
    const wait = !inStall ? 0 : phase < STALL_MS ? STALL_MS - phase : stallEnd - phase;
    values.push(wait + BASE_MS);
  }
  values.sort((a, b) => a - b);
  const at = (p: number) =>
    values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] as number;
  return { p50: at(50), p90: at(90), p99: at(99) };
}

type Gen = 'perflab-open' | 'autocannon' | 'autocannon-R';
interface Sample {
  generator: Gen;
  round: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  keptUp?: boolean;
}

async function main(): Promise<void> {
  const server = spawnTs(SERVER_CORE, 'bench/lib/servers.ts', {
    BENCH_SERVER: 'stall',
    BENCH_STALL_MS: String(STALL_MS),
    BENCH_STALL_EVERY_MS: String(STALL_EVERY_MS),
  });
  const { url } = await firstJsonLine<{ url: string }>(server);
  try {
    console.log(
      `bench:co  server ${url} (1 ms answers, ${STALL_MS} ms stall every ${STALL_EVERY_MS} ms) on core ${SERVER_CORE}`,
    );
    console.log(
      `${ROUNDS} rounds x ${DURATION_S} s at ${RATE} req/s (autocannon: ${CONNECTIONS} connections), core ${GENERATOR_CORE}\n`,
    );
    // Other processes on the same two cores skew everything; say how busy the machine was.
    const loadBefore = loadavg()[0] ?? 0;
    console.log(`load average at start: ${fmt(loadBefore, 2)}`);
    const samples: Sample[] = [];
    for (const { round, contender } of alternation<Gen>(
      ['perflab-open', 'autocannon', 'autocannon-R'],
      ROUNDS,
    )) {
      await waitForQuietMachine();
      const child = spawnTs(GENERATOR_CORE, 'bench/lib/drive.ts', {
        BENCH_URL: `${url}/`,
        BENCH_DRIVER: contender,
        BENCH_DURATION_MS: String(DURATION_S * 1000),
        BENCH_RATE: String(RATE),
        BENCH_CONNECTIONS: String(CONNECTIONS),
      });
      const m = await firstJsonLine<Sample>(child).catch((err: Error) => {
        // A run that fails (a starved server on a shared core) is reported and skipped.
        console.log(`  run failed, skipped: ${err.message.split('\n')[0]}`);
        return undefined;
      });
      if (!m) continue;
      samples.push({ ...m, generator: contender, round });
      console.log(
        `  round ${round + 1} ${contender.padEnd(13)} ${fmt(m.rps)} req/s  p90 ${fmt(m.p90, 1)} ms  p99 ${fmt(m.p99, 1)} ms`,
      );
    }
    const expected = expectedLatencies();
    const med = (g: Gen, k: 'rps' | 'p50' | 'p90' | 'p99' | 'max') =>
      median(samples.filter((s) => s.generator === g).map((s) => s[k]));
    console.log('\nmedians (ms)');
    const rows = (['perflab-open', 'autocannon', 'autocannon-R'] as const).map((g) => [
      g,
      fmt(med(g, 'rps')),
      fmt(med(g, 'p50'), 1),
      fmt(med(g, 'p90'), 1),
      fmt(med(g, 'p99'), 1),
      fmt(med(g, 'p90') / expected.p90, 3),
      fmt(med(g, 'p99') / expected.p99, 3),
    ]);
    rows.unshift([
      'expected (from the pattern)',
      fmt(RATE),
      fmt(expected.p50, 1),
      fmt(expected.p90, 1),
      fmt(expected.p99, 1),
      '1.000',
      '1.000',
    ]);
    printTable(['generator', 'req/s', 'p50', 'p90', 'p99', 'p90/expected', 'p99/expected'], rows);
    const within = (g: Gen, k: 'p90' | 'p99') => Math.abs(med(g, k) / expected[k] - 1) <= 0.15;
    console.log(
      `\nperflab open model within 15% of expected: p90 ${within('perflab-open', 'p90')}, p99 ${within('perflab-open', 'p99')}`,
    );
    const loadAfter = loadavg()[0] ?? 0;
    console.log(`load average at end: ${fmt(loadAfter, 2)}`);
    mkdirSync(dirname(OUT), { recursive: true });
    const loadAverage = { start: loadBefore, end: loadAfter };
    writeFileSync(
      OUT,
      JSON.stringify(
        { loadAverage, rounds: ROUNDS, durationS: DURATION_S, rate: RATE, expected, samples },
        null,
        2,
      ),
    );
    console.log(`written to ${OUT}`);
  } finally {
    await stop(server);
  }
}

await main();
