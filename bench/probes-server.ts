/**
 * One server for `npm run bench:probes`, chosen by BENCH_VARIANT:
 *   bare          Express 5, no probes
 *   metrics-logs  probes with tracing off (metrics + pino to a file)
 *   full          probes with lean tracing (load with --import ./probes/register.ts)
 *   target-*      load with --import ./target-app/register.ts for explicit context, as `npm start` does
 *   otel          bare Express under OpenTelemetry auto-instrumentation
 *                 (load with --import ./probes/register.ts, PERFLAB_TRACING=auto)
 *   target-bare / target-full   the target app's order-history route, bare or with full probes
 *   target-metrics / target-als probes without tracing / an AsyncLocalStorage hop and nothing else
 *   target-idle   the full probes made (timers, default metrics, tracer) but not wired in:
 *                 what their mere presence costs the bare app
 * BENCH_WIRING=middleware|wrap: how the per-request probe is wired (default:
 * the middleware for the trivial app, the wrapped app for the target app).
 * BENCH_BURN_US=n adds an n µs busy-wait per request to a target-bare server: a
 * known cost that shows how the method reports one.
 * Prints one JSON line `{"url": ..., "path": ..., "headers": ...}` once listening.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import express, { type RequestHandler } from 'express';
import { createProbes } from '../probes/index.js';

const variant = process.env.BENCH_VARIANT ?? 'bare';
const logFile = process.env.BENCH_LOG_FILE ?? '/tmp/perflab-bench-probes.log';
// How the per-request probe is wired: the trivial app mounts the middleware
// (the drop-in), the target app wraps the whole app (as `npm start` does);
// BENCH_WIRING=middleware|wrap picks one for both.
const wiring = process.env.BENCH_WIRING;

async function trivial(): Promise<void> {
  const wrapped = wiring === 'wrap';
  const app = express();
  const probes =
    variant === 'metrics-logs' || variant === 'full'
      ? createProbes({
          serviceName: 'bench',
          tracing: variant === 'full' ? 'lean' : 'off',
          logDestination: logFile,
        })
      : undefined;
  if (probes) {
    if (!wrapped) app.use(probes.middleware);
    app.get('/metrics', probes.metricsHandler);
  }
  app.get('/api/items/:id', (req, res) => {
    res.json({ id: req.params.id, name: 'item', price: 42 });
  });
  const server = createServer(probes && wrapped ? probes.wrap(app) : app);
  server.listen(0, '127.0.0.1', () => ready(server, '/api/items/123', {}));
  stopOnSignal(server, probes?.shutdown);
}

async function target(): Promise<void> {
  const { openBenchTarget, seededUserHeaders, ORDER_HISTORY_PATH } = await import('./lib/target-db.js');
  const { startServer } = await import('../target-app/server.js');
  const { config, db: raw, close } = await openBenchTarget(variant);
  const probes =
    variant === 'target-full' || variant === 'target-metrics' || variant === 'target-idle'
      ? createProbes({
          serviceName: 'target-app',
          logDestination: logFile,
          logLevel: 'warn',
          tracing: variant === 'target-metrics' ? 'off' : 'lean',
          defaultMetrics: process.env.BENCH_NO_DEFAULT_METRICS !== '1',
          // No `context` option: it follows the register module (or PERFLAB_CONTEXT).
        })
      : undefined;
  const als = new AsyncLocalStorage<object>();
  const alsOnly: RequestHandler = (_req, _res, next) => als.run({}, next);
  const wired = variant === 'target-idle' ? undefined : probes;
  const db = wired ? wired.instrumentDb(raw) : raw;
  const burnUs = Number(process.env.BENCH_BURN_US ?? 0);
  const burn: RequestHandler = (_req, _res, next) => {
    const until = performance.now() + burnUs / 1000;
    while (performance.now() < until);
    next();
  };
  const running = await startServer({
    config,
    db,
    seedIfEmpty: false,
    ...(variant === 'target-als' ? { instrumentation: { middleware: alsOnly } } : {}),
    ...(burnUs > 0 ? { instrumentation: { middleware: burn } } : {}),
    ...(wired
      ? {
          instrumentation: {
            ...(wiring === 'middleware' ? { middleware: wired.middleware } : { wrap: wired.wrap }),
            metricsHandler: wired.metricsHandler,
            logger: wired.logger,
            forRequest: wired.forRequest,
          },
        }
      : {}),
  });
  ready(running.server, ORDER_HISTORY_PATH, await seededUserHeaders(running.url, config));
  stopOnSignal(running.server, async () => {
    await probes?.shutdown();
    await close();
  });
}

function ready(server: Server, path: string, headers: Record<string, string>): void {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, path, headers })}\n`);
}

function stopOnSignal(server: Server, shutdown?: () => Promise<void>): void {
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => void (shutdown ? shutdown() : Promise.resolve()).finally(() => process.exit(0)));
  });
}

/**
 * BENCH_PROFILE=<file>: SIGUSR2 starts a CPU profile (a sampling heap profile
 * with BENCH_PROFILE_KIND=heap) and the next SIGUSR2 writes it to <file>, so a
 * profile covers only the load window (not startup or seeding).
 */
function profileOnSignal(file: string, heap: boolean): void {
  let session: Session | undefined;
  const [domain, start, stop] = heap
    ? (['HeapProfiler', 'HeapProfiler.startSampling', 'HeapProfiler.stopSampling'] as const)
    : (['Profiler', 'Profiler.start', 'Profiler.stop'] as const);
  process.on('SIGUSR2', () => {
    if (!session) {
      const s = new Session();
      s.connect();
      // Heap sampling counts what GC collected too: the point is allocation volume.
      const params = heap
        ? {
            samplingInterval: 1024,
            includeObjectsCollectedByMajorGC: true,
            includeObjectsCollectedByMinorGC: true,
          }
        : {};
      s.post(`${domain}.enable`, () => s.post(start, params));
      session = s;
      return;
    }
    const s = session;
    session = undefined;
    s.post(stop, (err, res?: { profile?: unknown }) => {
      if (!err) writeFileSync(file, JSON.stringify(res?.profile));
      s.disconnect();
    });
  });
}

if (process.env.BENCH_PROFILE)
  profileOnSignal(process.env.BENCH_PROFILE, process.env.BENCH_PROFILE_KIND === 'heap');
await (variant.startsWith('target') ? target() : trivial());
