/**
 * One load generator run for the benches, chosen by BENCH_DRIVER; run it
 * pinned to the generator core. Prints one JSON line with what it measured,
 * including its own CPU time per request (process.cpuUsage around the load).
 *   perflab-closed  perflab closed model (autocannon underneath), BENCH_CONNECTIONS
 *   perflab-open    perflab open model at BENCH_RATE req/s
 *   autocannon      raw autocannon, BENCH_CONNECTIONS
 *   autocannon-R    raw autocannon with -R BENCH_RATE (its per-connection cap, shown for contrast)
 *   perflab-memory  perflab closed model for BENCH_REQUESTS requests, peak RSS sampled
 * Env: BENCH_URL, BENCH_DURATION_MS, BENCH_MAX_CONNECTIONS (open model cap, 256),
 * BENCH_PRECISE=1 (open model with preciseTiming).
 */
import autocannon from 'autocannon';
import { run, urlScenario } from '../../loadtests/index.js';

const driver = process.env.BENCH_DRIVER ?? 'perflab-closed';
const url = process.env.BENCH_URL ?? 'http://127.0.0.1:3000/';
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rate = Number(process.env.BENCH_RATE ?? 10_000);
const requests = Number(process.env.BENCH_REQUESTS ?? 2_000_000);
const maxConnections = Number(process.env.BENCH_MAX_CONNECTIONS ?? 256);

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function perflab(model: 'closed' | 'open' | 'memory'): Promise<Record<string, unknown>> {
  const { scenario, target } = urlScenario(url);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  // CPU is counted from the end of warm-up (or the start), like the requests:
  // module loading and JIT warm-up are not per-request costs.
  let cpu0 = cpuMicros();
  const loadRun = run({
    target,
    scenario,
    model:
      model === 'open'
        ? {
            kind: 'open',
            rate,
            maxConnections,
            maxSendLagMs: 2,
            preciseTiming: process.env.BENCH_PRECISE === '1',
          }
        : { kind: 'closed', connections },
    ...(model === 'memory' ? { requests } : { durationMs }),
    // The open model's send-lag bound is about steady state, not JIT warm-up.
    ...(model === 'open' ? { warmupMs: 1000 } : {}),
    scrape: false,
  });
  loadRun.on('warmupDone', () => (cpu0 = cpuMicros()));
  const result = await loadRun.finished;
  const cpu = cpuMicros() - cpu0;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return {
    driver,
    rps: result.totals.rps,
    requests: result.totals.requests,
    errors: result.totals.errors,
    cpuUsPerReq: cpu / result.totals.requests,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    keptUp: result.generator.keptUp,
    reasons: result.generator.reasons,
    sendLagP99: result.generator.sendLag?.p99,
    connections: result.generator.connections,
    dropped: result.generator.dropped,
    peakRssMb: peakRss / 1024 / 1024,
  };
}

async function rawAutocannon(withRate: boolean): Promise<Record<string, unknown>> {
  const cpu0 = cpuMicros();
  const r = await autocannon({
    url,
    connections,
    duration: durationMs / 1000,
    ...(withRate ? { overallRate: rate } : {}),
  });
  const cpu = cpuMicros() - cpu0;
  const total = r.requests.total;
  return {
    driver,
    rps: total / (durationMs / 1000),
    requests: total,
    errors: r.errors + r.non2xx,
    cpuUsPerReq: cpu / total,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
  };
}

const out =
  driver === 'autocannon'
    ? await rawAutocannon(false)
    : driver === 'autocannon-R'
      ? await rawAutocannon(true)
      : await perflab(driver === 'perflab-open' ? 'open' : driver === 'perflab-memory' ? 'memory' : 'closed');
console.log(JSON.stringify(out));
