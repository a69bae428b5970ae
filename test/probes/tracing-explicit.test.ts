import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbes, startTracing, type Probes, type TracingHandle } from '../../probes/index.js';
import { minimalApp } from './app.js';
import { FakeDb, listen, LogSink, RequestWaiter, type Running } from './helpers.js';
import { startReceiver } from './otlp-receiver.js';

// Lean tracing in `explicit` context mode: no context manager, no
// AsyncLocalStorage; the app passes the request through probes.forRequest(req).
// The OTel globals can be registered once per process, hence its own file.

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let tracing: TracingHandle;
let probes: Probes;
let app: Running;
let sink: LogSink;
let waiter: RequestWaiter;
let done = 0;
const downstreamHeaders: IncomingHttpHeaders[] = [];
let downstream: Running;
const agent = new Agent({ connections: 4 });

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await request(app.url + path, { dispatcher: agent, headers });
  const body = await res.body.text();
  done++;
  await waiter.until(done);
  return { status: res.statusCode, body };
}

/** node:http, not undici: this process's own undici calls that carry a traceparent become client spans. */
async function getPlain(path: string, headers: Record<string, string>) {
  await new Promise<void>((resolve, reject) => {
    http.get(app.url + path, { headers }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
  done++;
  await waiter.until(done);
}

beforeAll(async () => {
  receiver = await startReceiver();
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${receiver.url}/v1/traces`;
  tracing = await startTracing({ serviceName: 'explicit-under-test', mode: 'lean', context: 'explicit' });
  delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  downstream = await listen(((req: IncomingMessage, res: ServerResponse) => {
    downstreamHeaders.push(req.headers);
    res.end(`down:${req.url}`);
  }) as never);
  sink = new LogSink();
  waiter = new RequestWaiter();
  // No `context` option: the probes follow the mode startTracing chose.
  probes = createProbes({
    serviceName: 'explicit-under-test',
    logDestination: sink,
    memoryIntervalMs: 0,
    onRequest: waiter.hook,
  });
  app = await listen(minimalApp(probes, new FakeDb(), undefined, downstream.url));
});

afterAll(async () => {
  await app.close();
  await downstream.close();
  await agent.close();
  await probes.shutdown();
  await tracing.shutdown();
  await receiver.close();
});

describe('lean tracing with explicit context', () => {
  it('registers no context manager, so nothing switches AsyncLocalStorage on', () => {
    expect(tracing.context).toBe('explicit');
    const key = createContextKey('probe');
    const ctx = ROOT_CONTEXT.setValue(key, 1);
    expect(context.with(ctx, () => context.active().getValue(key))).toBeUndefined();
  });

  it('puts the DB spans of queries made through forRequest(req).db() under the server span', async () => {
    const { body } = await get('/api/explicit/n-plus-one');
    expect(JSON.parse(body)).toMatchObject({ stats: { queries: 5 }, current: null, same: true });
    const info = waiter.seen.at(-1)!;
    expect(info).toMatchObject({ route: '/api/explicit/n-plus-one', queries: 5 });
    await tracing.forceFlush();
    const server = await receiver.waitFor((s) => s.traceId === info.traceId && s.kind === 2);
    expect(server).toMatchObject({
      name: 'GET /api/explicit/n-plus-one',
      parentSpanId: '',
      attributes: { 'http.route': '/api/explicit/n-plus-one', 'perflab.db.query_count': 5 },
    });
    await receiver.waitFor((s) => s.traceId === info.traceId && s.name === 'INSERT audit_log');
    const dbSpans = receiver.spans.filter((s) => s.traceId === info.traceId && s.kind === 3);
    expect(dbSpans.map((s) => s.name).sort()).toEqual([
      'INSERT audit_log',
      'SELECT public.order_items',
      'SELECT public.order_items',
      'SELECT public.order_items',
      'UPDATE orders',
    ]);
    for (const span of dbSpans) expect(span.parentSpanId).toBe(server.spanId);
    expect(JSON.stringify(dbSpans)).not.toContain('secret-param');
    // The query made without the request has no parent to join: no span at all.
    expect(receiver.spans.some((s) => s.name === 'SELECT unbound')).toBe(false);
  });

  it('continues an incoming traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await getPlain('/hello', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    await tracing.forceFlush();
    const span = await receiver.waitFor((s) => s.traceId === traceId);
    expect(span).toMatchObject({ name: 'GET /hello', parentSpanId: '00f067aa0ba902b7', kind: 2 });
  });

  it('turns outgoing calls carrying traceHeaders() into CLIENT spans, rewriting the one traceparent', async () => {
    downstreamHeaders.length = 0;
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await getPlain('/api/explicit/proxy', { traceparent: `00-${traceId}-b7ad6b7169203331-01` });
    expect(downstreamHeaders).toHaveLength(2);
    await tracing.forceFlush();
    const server = await receiver.waitFor((s) => s.traceId === traceId && s.kind === 2);
    for (const headers of downstreamHeaders) {
      const tp = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(headers.traceparent));
      expect(tp?.[1]).toBe(traceId);
      expect(tp?.[2]).not.toBe(server.spanId); // the client span's id, not the server's
      const client = await receiver.waitFor((s) => s.spanId === tp![2]);
      expect(client).toMatchObject({ kind: 3, name: 'GET', parentSpanId: server.spanId });
    }
  });

  it('leaves calls made without traceHeaders() untraced', async () => {
    downstreamHeaders.length = 0;
    await get('/api/proxy');
    expect(downstreamHeaders).toHaveLength(2);
    for (const headers of downstreamHeaders) expect(headers.traceparent).toBeUndefined();
  });

  it('stamps the request logger lines with the server span ids', async () => {
    await get('/api/explicit/log');
    const info = waiter.seen.at(-1)!;
    const inside = sink.find('inside handler').at(-1);
    expect(inside).toMatchObject({ trace_id: info.traceId, where: 'handler', trace_flags: '01' });
    await tracing.forceFlush();
    const span = await receiver.waitFor((s) => s.traceId === info.traceId && s.kind === 2);
    expect(inside!.span_id).toBe(span.spanId);
    // The base logger has no request to name.
    await get('/api/log');
    expect(sink.find('inside handler').at(-1)).not.toHaveProperty('trace_id');
  });
});
