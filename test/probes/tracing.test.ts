import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbes, startTracing, type Probes, type TracingHandle } from '../../probes/index.js';
import { minimalApp } from './app.js';
import { FakeDb, listen, LogSink, RequestWaiter, type Running } from './helpers.js';
import { startReceiver } from './otlp-receiver.js';

// Lean tracing, exported over OTLP/HTTP (configured by the standard env vars)
// to a receiver started inside this test. The OTel globals can be registered
// once per process, so the auto mode lives in tracing-auto.test.ts.

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

beforeAll(async () => {
  receiver = await startReceiver();
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${receiver.url}/v1/traces`;
  tracing = await startTracing({ serviceName: 'lean-under-test', mode: 'lean' });
  delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;

  downstream = await listen(((req: IncomingMessage, res: ServerResponse) => {
    downstreamHeaders.push(req.headers);
    res.end(`down:${req.url}`);
  }) as never);
  sink = new LogSink();
  waiter = new RequestWaiter();
  probes = createProbes({
    serviceName: 'lean-under-test',
    logDestination: sink,
    memoryIntervalMs: 0,
    slowRequestMs: 0, // every request is "slow": the warning must carry the trace id
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

describe('lean tracing', () => {
  it('makes one trace per request: a SERVER span named by route template, DB spans under it', async () => {
    await get('/api/orders/42');
    await tracing.forceFlush();
    const server = await receiver.waitFor((s) => s.name === 'GET /api/orders/:id');
    expect(server).toMatchObject({
      kind: 2,
      parentSpanId: '',
      service: 'lean-under-test',
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/api/orders/:id',
        'http.response.status_code': 200,
        'url.path': '/api/orders/42',
        'url.scheme': 'http',
        'server.address': '127.0.0.1',
      },
    });
    const db = await receiver.waitFor((s) => s.traceId === server.traceId && s.kind === 3);
    expect(db).toMatchObject({
      name: 'SELECT orders',
      parentSpanId: server.spanId,
      attributes: {
        'db.system.name': 'postgresql',
        'db.query.text': 'SELECT id, total FROM orders WHERE id = $1',
        'db.operation.name': 'SELECT',
        'db.collection.name': 'orders',
        'db.response.returned_rows': 1,
      },
    });
    expect(JSON.stringify(db.attributes)).not.toContain('"42"');
    const trace = receiver.spans.filter((s) => s.traceId === server.traceId);
    expect(trace).toHaveLength(2);
  });

  it('puts exemplars whose trace_id reached the OTLP receiver into OpenMetrics output', async () => {
    await get('/api/orders/7');
    const res = await request(`${app.url}/metrics`, {
      dispatcher: agent,
      headers: { accept: 'application/openmetrics-text; version=1.0.0; charset=utf-8' },
    });
    const text = await res.body.text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('http_server_request_duration_seconds_bucket{') &&
          l.includes('/api/orders/:id') &&
          l.includes(' # {'),
      );
    expect(line).toBeDefined();
    const m = /# \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\} [0-9.e-]+ [0-9.]+$/.exec(line!);
    expect(m).not.toBeNull();
    await tracing.forceFlush();
    const span = await receiver.waitFor((s) => s.spanId === m![2]);
    expect(span).toMatchObject({ traceId: m![1], name: 'GET /api/orders/:id', kind: 2 });
    const dbLine = text
      .split('\n')
      .find((l) => l.startsWith('db_client_operation_duration_seconds_bucket{') && l.includes(' # {'));
    expect(dbLine).toMatch(/trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"/);
    // Prometheus text never carries exemplars
    const plain = await (await request(`${app.url}/metrics`, { dispatcher: agent })).body.text();
    expect(plain).not.toContain('trace_id=');
  });

  it('continues an incoming traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    await get('/hello', { traceparent: `00-${traceId}-${parent}-01` });
    await tracing.forceFlush();
    const span = await receiver.waitFor((s) => s.traceId === traceId);
    expect(span).toMatchObject({ name: 'GET /hello', parentSpanId: parent, kind: 2 });
  });

  it('carries the trace on to outgoing fetch and undici calls, with a CLIENT span each', async () => {
    downstreamHeaders.length = 0;
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await get('/api/proxy', { traceparent: `00-${traceId}-b7ad6b7169203331-01` });
    expect(downstreamHeaders).toHaveLength(2);
    await tracing.forceFlush();
    const server = await receiver.waitFor((s) => s.traceId === traceId && s.kind === 2);
    for (const headers of downstreamHeaders) {
      const tp = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(headers.traceparent));
      expect(tp?.[1]).toBe(traceId);
      const client = await receiver.waitFor((s) => s.spanId === tp![2]);
      expect(client).toMatchObject({ kind: 3, name: 'GET', parentSpanId: server.spanId });
      expect(String(client.attributes['url.full'])).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/down\/(fetch|undici)$/,
      );
      expect(client.attributes['http.response.status_code']).toBe(200);
    }
  });

  it('does not sample when the incoming parent is not sampled, but still propagates', async () => {
    downstreamHeaders.length = 0;
    const traceId = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    await get('/api/proxy', { traceparent: `00-${traceId}-bbbbbbbbbbbbbbbb-00` });
    expect(String(downstreamHeaders[0]?.traceparent)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    await tracing.forceFlush();
    expect(receiver.spans.some((s) => s.traceId === traceId)).toBe(false);
    expect(waiter.seen.at(-1)?.traceId).toBeUndefined();
  });

  it('puts the same trace id on log lines from the handler and on the slow-request warning', async () => {
    await get('/api/log');
    const info = waiter.seen.at(-1)!;
    expect(info.traceId).toMatch(/^[0-9a-f]{32}$/);
    const inside = sink.find('inside handler').at(-1);
    expect(inside).toMatchObject({ trace_id: info.traceId, where: 'handler' });
    const slow = sink.find('slow request').find((l) => l.trace_id === info.traceId);
    expect(slow).toMatchObject({ level: 'warn', http: { method: 'GET', route: '/api/log', status: 200 } });
    expect(typeof slow!.durationMs).toBe('number');
    const text = await (await request(`${app.url}/metrics`, { dispatcher: agent })).body.text();
    expect(text).toMatch(
      /^http_server_slow_requests_total\{http_request_method="GET",http_route="\/api\/log"\} 1$/m,
    );
    await tracing.forceFlush();
    const span = await receiver.waitFor((s) => s.traceId === info.traceId);
    expect(inside!.span_id).toBe(span.spanId);
  });

  it('rejects a bad context mode, and explicit context with auto-instrumentation, even once started', async () => {
    await expect(startTracing({}, { PERFLAB_CONTEXT: 'thread-local' })).rejects.toMatchObject({
      code: 'PERFLAB_E_PROBES_TRACING',
      message: expect.stringMatching(
        /PERFLAB_CONTEXT.*async-local-storage, explicit.*thread-local/,
      ) as string,
    });
    await expect(startTracing({ mode: 'auto', context: 'explicit' })).rejects.toMatchObject({
      code: 'PERFLAB_E_PROBES_TRACING',
      message: expect.stringContaining('needs tracing mode "lean"') as string,
    });
    expect((await startTracing()).context).toBe('async-local-storage'); // the running one, unchanged
  });

  it('marks 5xx server spans as errors', async () => {
    await get('/boom');
    await tracing.forceFlush();
    const span = await receiver.waitFor((s) => s.name === 'GET /boom');
    expect(span.status.code).toBe(2);
    expect(span.attributes['error.type']).toBe('500');
  });
});
