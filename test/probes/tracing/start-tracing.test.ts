import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing } from '../../../probes/index.js';
import { getTracingState } from '../../../probes/tracing/global-tracing-state.js';
import { LeanTracer } from '../../../probes/tracing/lean-tracer.js';
import { WIRINGS } from '../helpers/minimal-app.js';
import { startTracedApp, type TracedApp } from '../helpers/traced-app.js';

// Lean tracing, exported over OTLP/HTTP (configured by the standard env vars)
// to a receiver started inside this test. The OTel globals can be registered
// once per process, so the auto mode lives in tracing-auto.test.ts.

let t: TracedApp;
beforeAll(async () => {
  // Every request is "slow": the warning must carry the trace id.
  t = await startTracedApp({ serviceName: 'lean-under-test' }, { slowRequestMs: 0 });
});
afterAll(() => t.close());

describe.each(WIRINGS)('lean tracing, wired as %s', (wiring) => {
  beforeAll(() => t.wire(wiring));

  it('makes one trace per request: a SERVER span named by route template, DB spans under it', async () => {
    await t.get('/api/orders/42');
    await t.tracing.forceFlush();
    const server = await t.receiver.waitFor((s) => s.name === 'GET /api/orders/:id');
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
    const db = await t.receiver.waitFor((s) => s.traceId === server.traceId && s.kind === 3);
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
    const trace = t.receiver.spans.filter((s) => s.traceId === server.traceId);
    expect(trace).toHaveLength(2);
  });

  it('puts exemplars whose trace_id reached the OTLP receiver into OpenMetrics output', async () => {
    await t.get('/api/orders/7');
    const res = await request(`${t.app.url}/metrics`, {
      dispatcher: t.agent,
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
    await t.tracing.forceFlush();
    const span = await t.receiver.waitFor((s) => s.spanId === m![2]);
    expect(span).toMatchObject({ traceId: m![1], name: 'GET /api/orders/:id', kind: 2 });
    const dbLine = text
      .split('\n')
      .find((l) => l.startsWith('db_client_operation_duration_seconds_bucket{') && l.includes(' # {'));
    expect(dbLine).toMatch(/trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"/);
    // Prometheus text never carries exemplars
    const plain = await (await request(`${t.app.url}/metrics`, { dispatcher: t.agent })).body.text();
    expect(plain).not.toContain('trace_id=');
  });

  it('continues an incoming traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    await t.get('/hello', { traceparent: `00-${traceId}-${parent}-01` });
    await t.tracing.forceFlush();
    const span = await t.receiver.waitFor((s) => s.traceId === traceId);
    expect(span).toMatchObject({ name: 'GET /hello', parentSpanId: parent, kind: 2 });
  });

  it('takes server.address and server.port from the Host header, IPv6 literals included', async () => {
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      ['[::1]:8080', { 'server.address': '::1', 'server.port': 8080 }, []],
      ['[::1]', { 'server.address': '::1' }, ['server.port']],
      ['shop.example:443', { 'server.address': 'shop.example', 'server.port': 443 }, []],
      ['shop.example', { 'server.address': 'shop.example' }, ['server.port']],
      ['shop.example:x', { 'server.address': 'shop.example' }, ['server.port']],
      ['shop.example:', { 'server.address': 'shop.example' }, ['server.port']],
      ['shop.example:99999', { 'server.address': 'shop.example' }, ['server.port']],
    ];
    for (const [i, [host, expected, absent]] of cases.entries()) {
      const traceId = `c0ffee${String(i).padStart(26, '0')}`;
      await t.getPlain('/hello', { host, traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
      await t.tracing.forceFlush();
      const span = await t.receiver.waitFor((sp) => sp.traceId === traceId);
      expect(span.attributes, host).toMatchObject(expected);
      for (const key of absent) expect(span.attributes, host).not.toHaveProperty([key]);
    }
  });

  it('carries the trace on to outgoing fetch and undici calls, with a CLIENT span each', async () => {
    const { server, calls } = await t.outgoingCalls(
      '/api/proxy',
      '0af7651916cd43dd8448eb211c80319c',
      'undici',
    );
    expect(calls).toHaveLength(2);
    for (const { client } of calls) {
      expect(client).toMatchObject({ kind: 3, name: 'GET', parentSpanId: server.spanId });
      expect(String(client.attributes['url.full'])).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/down\/(fetch|undici)$/,
      );
      expect(client.attributes['http.response.status_code']).toBe(200);
    }
  });

  it('does not sample when the incoming parent is not sampled, but still propagates', async () => {
    t.downstreamHeaders.length = 0;
    const traceId = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    await t.get('/api/proxy', { traceparent: `00-${traceId}-bbbbbbbbbbbbbbbb-00` });
    expect(String(t.downstreamHeaders[0]?.traceparent)).toMatch(
      new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`),
    );
    await t.tracing.forceFlush();
    expect(t.receiver.spans.some((s) => s.traceId === traceId)).toBe(false);
    expect(t.waiter.seen.at(-1)?.traceId).toBeUndefined();
  });

  it('puts the same trace id on log lines from the handler and on the slow-request warning', async () => {
    await t.get('/api/log');
    const info = t.waiter.seen.at(-1)!;
    expect(info.traceId).toMatch(/^[0-9a-f]{32}$/);
    const inside = t.sink.find('inside handler').at(-1);
    expect(inside).toMatchObject({ trace_id: info.traceId, where: 'handler' });
    const slow = t.sink.find('slow request').find((l) => l.trace_id === info.traceId);
    expect(slow).toMatchObject({ level: 'warn', http: { method: 'GET', route: '/api/log', status: 200 } });
    expect(typeof slow!.durationMs).toBe('number');
    const text = await (await request(`${t.app.url}/metrics`, { dispatcher: t.agent })).body.text();
    expect(text).toMatch(
      /^perflab_http_server_slow_requests_total\{http_request_method="GET",http_route="\/api\/log"\} 1$/m,
    );
    await t.tracing.forceFlush();
    const span = await t.receiver.waitFor((s) => s.traceId === info.traceId);
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

  it('rejects an unknown span pipeline, and runs the one PERFLAB_TRACER names', async () => {
    await expect(startTracing({}, { PERFLAB_TRACER: 'fast' })).rejects.toMatchObject({
      code: 'PERFLAB_E_PROBES_TRACING',
      message: expect.stringMatching(/PERFLAB_TRACER.*lean, sdk.*fast/) as string,
    });
    const pipeline = process.env.PERFLAB_TRACER?.trim() || 'lean';
    expect(t.tracing.pipeline).toBe(pipeline);
    expect(getTracingState()?.tracer instanceof LeanTracer).toBe(pipeline === 'lean');
  });

  it('marks 5xx server spans as errors', async () => {
    await t.get('/boom');
    await t.tracing.forceFlush();
    const span = await t.receiver.waitFor((s) => s.name === 'GET /boom');
    expect(span.status.code).toBe(2);
    expect(span.attributes['error.type']).toBe('500');
  });
});
