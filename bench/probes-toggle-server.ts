/**
 * The server of `npm run bench:probes-toggle`: one target-app process with the
 * order-history route served two ways, bare and with the full probes (the app
 * wrapped, as `npm start` runs it), switched every BENCH_SLICE_MS. Load it
 * with --import ./target-app/register.ts so that tracing starts first.
 *
 * Driven over IPC: sends `{ url, path, headers }` once listening, switches from
 * the first request on, and after BENCH_SLICES slices sends `{ slices }`
 * (bench/lib/slices.ts) and exits. BENCH_CONTROL=1 serves both sides bare,
 * from two apps: the method's own noise. PERFLAB_TRACING=off makes the probed
 * side metrics and logs alone. BENCH_DATABASE_URL runs on
 * PostgreSQL (a schema of its own, dropped on exit), else embedded PGlite.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProbes } from '../probes/index.js';
import { createApp } from '../target-app/app.js';
import type { Slice } from './lib/slices.js';
import { envInt } from './lib/env.js';
import { openBenchTarget, ORDER_HISTORY_PATH, seededUserHeaders } from './lib/target-db.js';

const SLICE_MS = envInt('BENCH_SLICE_MS', 1000);
const SLICES = envInt('BENCH_SLICES', 90, 2);
const CONTROL = process.env.BENCH_CONTROL === '1';

const { config, db: raw, close } = await openBenchTarget('toggle');

let probed = 0;
const probes = createProbes({
  serviceName: 'bench-toggle',
  logDestination: process.env.BENCH_LOG_FILE ?? '/tmp/perflab-bench-probes.log',
  logLevel: 'warn',
  // PERFLAB_TRACING=off splits what metrics and logs alone add.
  tracing: process.env.PERFLAB_TRACING === 'off' ? 'off' : 'lean',
  onRequest: () => void probed++,
});
const bare = createApp({ db: raw, config });
const other: RequestListener = CONTROL
  ? createApp({ db: raw, config })
  : probes.wrap(
      createApp({
        db: probes.instrumentDb(raw),
        config,
        instrumentation: {
          metricsHandler: probes.metricsHandler,
          logger: probes.logger,
          forRequest: probes.forRequest,
        },
      }),
    );

let on = false;
let requests = 0;
const server = createServer((req, res) => {
  requests++;
  (on ? other : bare)(req, res);
});
server.keepAliveTimeout = 65_000;
// A driver that gives up still gets the schema dropped.
process.once('SIGTERM', () => void shutdown());
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const headers = await seededUserHeaders(base, config);
requests = 0;
process.send!({ url: base, path: ORDER_HISTORY_PATH, headers });

// Slices start with the load, so none is idle.
await new Promise<void>((resolve) => {
  const poll = setInterval(() => {
    if (requests > 0) {
      clearInterval(poll);
      resolve();
    }
  }, 2);
});
const slices: Slice[] = [];
let cpu0 = process.cpuUsage();
requests = 0;
probed = 0;
for (let i = 0; i < SLICES; i++) {
  await new Promise((resolve) => setTimeout(resolve, SLICE_MS));
  const cpu = process.cpuUsage(cpu0);
  cpu0 = process.cpuUsage();
  slices.push({ on, requests, cpuMicros: cpu.user + cpu.system, probed });
  requests = 0;
  probed = 0;
  on = !on;
}
process.send!({ slices }, () => void shutdown());

let closing: Promise<void> | undefined;
function shutdown(): Promise<void> {
  closing ??= (async () => {
    server.closeAllConnections();
    server.close();
    await probes.shutdown();
    await close(); // drops this process's schema
    process.exit(0);
  })();
  return closing;
}
