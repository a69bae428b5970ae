import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createProbes, startTracing, type Probes, type TracingHandle } from '../../../probes/index.js';
import { FakeDb, listen, LogSink, plainGet, RequestWaiter, type Running } from '../helpers/probe-harness.js';

// tracing: 'auto' uses OpenTelemetry's instrumentations (http, express, pg,
// ioredis, undici, pino) instead of the lean spans. It must start before
// express is loaded, so the app module is imported dynamically below.

const exporter = new InMemorySpanExporter();
let tracing: TracingHandle;
let probes: Probes;
let app: Running;
let sink: LogSink;
const waiter = new RequestWaiter();

beforeAll(async () => {
  tracing = await startTracing({
    serviceName: 'auto-under-test',
    mode: 'auto',
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const { minimalApp } = await import('../helpers/minimal-app.js');
  sink = new LogSink();
  probes = createProbes({
    serviceName: 'auto-under-test',
    logDestination: sink,
    memoryIntervalMs: 0,
    onRequest: waiter.hook,
  });
  app = await listen(minimalApp(probes, new FakeDb()));
});

afterAll(async () => {
  await app.close();
  await probes.shutdown();
  await tracing.shutdown();
});

describe('auto tracing', () => {
  it('records the instrumentation-http server span, with our DB span and exemplar in the same trace', async () => {
    const res = await plainGet(`${app.url}/api/orders/5`, {
      traceparent: '00-11111111111111111111111111111111-2222222222222222-01',
    });
    expect(res.status).toBe(200);
    await waiter.until(1);
    const info = waiter.seen[0]!;
    expect(info.traceId).toBe('11111111111111111111111111111111');
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === info.traceId);
    const server = spans.find(
      (s) => s.kind === 1 && s.instrumentationScope.name.includes('instrumentation-http'),
    );
    expect(server).toBeDefined();
    expect(server!.parentSpanContext?.spanId).toBe('2222222222222222');
    const db = spans.find((s) => s.name === 'SELECT orders');
    expect(db).toBeDefined();
    // The DB span sits somewhere under the server span (express spans, when
    // the ESM hook sees express, come between: see register.test.ts).
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    let cursor = db;
    while (cursor && cursor !== server) cursor = byId.get(cursor.parentSpanContext?.spanId ?? '');
    expect(cursor).toBe(server);

    const om = await plainGet(`${app.url}/metrics`, { accept: 'application/openmetrics-text' });
    expect(om.body).toContain(`trace_id="${info.traceId}"`);
  });

  it('correlates log lines from handlers with the active trace', async () => {
    await plainGet(`${app.url}/api/log`);
    await waiter.until(2);
    const info = waiter.seen[1]!;
    expect(info.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(sink.find('inside handler').at(-1)).toMatchObject({ trace_id: info.traceId });
  });
});
