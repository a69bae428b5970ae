import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import {
  createProbes,
  startTracing,
  type Probes,
  type ProbesOptions,
  type StartTracingOptions,
} from '../../../probes/index.js';
import { minimalApp, type Wiring } from './minimal-app.js';
import { FakeDb, listen, LogSink, RequestWaiter, type Running } from './probe-harness.js';
import { startReceiver } from './otlp-receiver.js';

/**
 * The minimal app under lean tracing, exported over OTLP/HTTP (configured by
 * the standard env var, as an app would) to a receiver started here, with a
 * downstream server that records the headers outgoing calls carry. The OTel
 * globals can be registered once per process: one per test file. wire()
 * serves the app (wired either way) and can be called again between a
 * file's describe blocks.
 */
export async function startTracedApp(
  tracingOptions: StartTracingOptions,
  probesOptions: Partial<ProbesOptions>,
  /** Variables startTracing sees on top of process.env (and nothing else in the process does). */
  extraEnv: Record<string, string> = {},
) {
  const receiver = await startReceiver();
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${receiver.url}/v1/traces`;
  const tracing = await startTracing({ mode: 'lean', ...tracingOptions }, { ...process.env, ...extraEnv });
  delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;

  const downstreamHeaders: IncomingHttpHeaders[] = [];
  const downstream = await listen(((req: IncomingMessage, res: ServerResponse) => {
    downstreamHeaders.push(req.headers);
    res.end(`down:${req.url}`);
  }) as never);
  const agent = new Agent({ connections: 4 });
  // GET /wait holds its response until the test releases it (see minimalApp).
  const gates: Array<() => void> = [];
  const gate = () => new Promise<void>((resolve) => gates.push(resolve));
  let cur: Wired | undefined;
  const wired = (): Wired => {
    if (!cur) throw new Error('call wire() first');
    return cur;
  };

  return {
    receiver,
    tracing,
    downstreamHeaders,
    agent,
    gates,
    get probes() {
      return wired().probes;
    },
    get app() {
      return wired().app;
    },
    get sink() {
      return wired().sink;
    },
    get waiter() {
      return wired().waiter;
    },
    /**
     * Serves the minimal app with fresh probes, wired as asked, in place of
     * the previous one; the receiver forgets the previous app's spans, so a
     * test cannot pass on them.
     */
    async wire(wiring: Wiring, db: FakeDb = new FakeDb()) {
      await closeWired(cur);
      await tracing.forceFlush();
      receiver.spans.length = 0;
      const sink = new LogSink();
      const waiter = new RequestWaiter();
      const probes = createProbes({
        serviceName: tracingOptions.serviceName ?? 'traced-app',
        logDestination: sink,
        memoryIntervalMs: 0,
        onRequest: waiter.hook,
        ...probesOptions,
      });
      const app = await listen(minimalApp(probes, db, gate, downstream.url, wiring));
      cur = { probes, app, sink, waiter, done: 0 };
    },
    /** GET through undici; resolves once the probes have finished the request. */
    get(path: string, headers: Record<string, string> = {}) {
      return this.request(path, 'GET', headers);
    },
    /** Any method through undici; resolves once the probes have finished the request. */
    async request(path: string, method: string, headers: Record<string, string> = {}) {
      const w = wired();
      const res = await request(w.app.url + path, { dispatcher: agent, headers, method: method as 'GET' });
      const body = await res.body.text();
      await w.waiter.until(++w.done);
      return { status: res.statusCode, body };
    },
    /**
     * GETs /wait, and aborts once the handler holds the response: the client
     * goes away before any response. Resolves once the probes finished it.
     */
    async abortWait() {
      const w = wired();
      const controller = new AbortController();
      const pending = request(w.app.url + '/wait', { dispatcher: agent, signal: controller.signal }).catch(
        (err: unknown) => err,
      );
      while (gates.length === 0) await new Promise((r) => setImmediate(r));
      controller.abort();
      await pending;
      await w.waiter.until(++w.done);
      gates.shift()!(); // the handler then writes to a closed response: harmless
    },
    /** GET through node:http: this process's own undici calls can become client spans. */
    async getPlain(path: string, headers: Record<string, string>) {
      const w = wired();
      await new Promise<void>((resolve, reject) => {
        http.get(w.app.url + path, { headers }, (res) => res.resume().on('end', resolve)).on('error', reject);
      });
      await w.waiter.until(++w.done);
    },
    /**
     * GETs `path` (which calls downstream twice) with a sampled traceparent for
     * `traceId`; returns the server span and, per downstream call, the span id
     * its traceparent named and the span the receiver got under that id.
     */
    async outgoingCalls(path: string, traceId: string, via: 'undici' | 'node:http') {
      downstreamHeaders.length = 0;
      const traceparent = `00-${traceId}-b7ad6b7169203331-01`;
      if (via === 'undici') await this.get(path, { traceparent });
      else await this.getPlain(path, { traceparent });
      await tracing.forceFlush();
      const server = await receiver.waitFor((s) => s.traceId === traceId && s.kind === 2);
      const calls = [];
      for (const headers of downstreamHeaders) {
        const tp = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(headers.traceparent));
        if (tp?.[1] !== traceId) throw new Error(`downstream got traceparent ${String(headers.traceparent)}`);
        calls.push({ spanId: tp[2]!, client: await receiver.waitFor((s) => s.spanId === tp[2]) });
      }
      return { server, calls };
    },
    async close() {
      await closeWired(cur);
      await downstream.close();
      await agent.close();
      await tracing.shutdown();
      await receiver.close();
    },
  };
}

interface Wired {
  probes: Probes;
  app: Running;
  sink: LogSink;
  waiter: RequestWaiter;
  done: number;
}

async function closeWired(w: Wired | undefined): Promise<void> {
  if (!w) return;
  await w.app.close();
  await w.probes.shutdown();
}

export type TracedApp = Awaited<ReturnType<typeof startTracedApp>>;
