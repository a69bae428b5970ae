import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProbes,
  metricNames as N,
  startTracing,
  type Probes,
  type TracingHandle,
} from '../../probes/index.js';
import type { TestApp } from '../helpers/app.js';
import { LogSink, RequestWaiter, series } from './helpers/probe-harness.js';
import { startReceiver } from './helpers/otlp-receiver.js';

// The probes wired into the real target app the way target-app/main.ts does
// (middleware first, /metrics, logger, instrumentDb, forRequest in explicit
// context mode: no AsyncLocalStorage anywhere), on the test database the
// shared helper picks (embedded PGlite unless PERFLAB_TEST_DB says otherwise),
// with lean tracing into an in-memory exporter (for structure) and over
// OTLP/HTTP to a receiver started here (for the exemplar round trip).

process.env.PERFLAB_TEST_DB ??= 'pglite';

const exporter = new InMemorySpanExporter();
let tracing: TracingHandle;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let probes: Probes;
let app: TestApp;
let sink: LogSink;
const waiter = new RequestWaiter();
let expected = 0;
let throwOnRequest = false;
let token: string;

async function call(path: string, init: Parameters<TestApp['request']>[1] = {}) {
  const res = await app.request(path, init);
  expected++;
  await waiter.until(expected);
  return res;
}

beforeAll(async () => {
  receiver = await startReceiver();
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${receiver.url}/v1/traces`;
  tracing = await startTracing({
    serviceName: 'target-app',
    mode: 'lean',
    context: 'explicit',
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const { startTestApp } = await import('../helpers/app.js');
  sink = new LogSink();
  probes = createProbes({
    serviceName: 'target-app',
    logDestination: sink,
    logLevel: 'debug',
    accessLog: true,
    memoryIntervalMs: 0,
    slowQueryMs: 0, // every query is past the threshold: the slow-query log must show SQL only
    onRequest: (info) => {
      waiter.hook(info);
      if (throwOnRequest) throw new Error('hook failure in target app');
    },
  });
  app = await startTestApp({
    instrumentation: (db) => ({
      middleware: probes.middleware,
      metricsHandler: probes.metricsHandler,
      logger: probes.logger,
      forRequest: probes.forRequest,
      db: probes.instrumentDb(db),
    }),
  });
  token = await app.login(1);
  expected++;
  await waiter.until(expected);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await probes?.shutdown();
  await tracing?.shutdown();
  await receiver?.close();
});

describe('probes in the target app', () => {
  it('labels the order-history route by template, with DB metrics parsed from its SQL', async () => {
    const res = await call('/api/orders?limit=5', { token });
    expect(res.status).toBe(200);
    const created = await call('/api/orders', {
      method: 'POST',
      token,
      body: { items: [{ productId: 1, quantity: 1 }] },
    });
    const id = (created.body as { id: number }).id;
    expect(created.status).toBe(201);
    expect((await call(`/api/orders/${id}`, { token })).status).toBe(200);
    expect((await call('/api/orders/999999', { token })).status).toBe(404);
    expect((await call('/api/orders/1')).status).toBe(401);
    expect((await call('/no/such/thing')).status).toBe(404);

    const text = await probes.registry.metrics();
    const http = series(text, `${N.HTTP_SERVER_REQUEST_DURATION}_count`);
    for (const s of [
      'http_request_method="GET",http_route="/api/orders",http_response_status_code="200",url_scheme="http"',
      'http_request_method="POST",http_route="/api/orders",http_response_status_code="201",url_scheme="http"',
      'http_request_method="GET",http_route="/api/orders/:id",http_response_status_code="200",url_scheme="http"',
      'http_request_method="GET",http_route="/api/orders/:id",http_response_status_code="404",url_scheme="http"',
      'http_request_method="GET",http_route="/api/orders/:id",http_response_status_code="401",url_scheme="http"',
      'http_request_method="GET",http_route="unmatched",http_response_status_code="404",url_scheme="http"',
    ]) {
      expect(http).toContain(s);
    }
    const db = series(text, `${N.DB_CLIENT_OPERATION_DURATION}_count`);
    expect(db).toContain(
      'db_operation_name="SELECT",db_collection_name="orders",db_system_name="postgresql"',
    );
    expect(db).toContain(
      'db_operation_name="INSERT",db_collection_name="orders",db_system_name="postgresql"',
    );
    expect(db).toContain(
      'db_operation_name="INSERT",db_collection_name="order_items",db_system_name="postgresql"',
    );
    expect(db).toContain(
      'db_operation_name="UPDATE",db_collection_name="products",db_system_name="postgresql"',
    );
    const post = waiter.seen.find((r) => r.method === 'POST' && r.route === '/api/orders');
    expect(post!.queries).toBeGreaterThanOrEqual(3); // the transaction's queries count too
    expect(text).toMatch(
      /^db_client_connection_count\{db_client_connection_pool_name="(pglite|postgres)",db_client_connection_state="idle"\} \d+$/m,
    );
  });

  it('keeps series bounded across 2,000 distinct raw paths', async () => {
    await call('/api/orders/1', { token });
    const before = series(await probes.registry.metrics(), N.HTTP_SERVER_REQUEST_DURATION).size;
    for (let i = 0; i < 2000; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          (i + j) % 2 ? call(`/api/orders/${1_000_000 + i + j}`, { token }) : call(`/nothing/${i + j}`),
        ),
      );
    }
    expect(series(await probes.registry.metrics(), N.HTTP_SERVER_REQUEST_DURATION).size).toBe(before);
  }, 120_000);

  it('makes one trace per request with the DB spans under the server span, and logs with its trace id', async () => {
    exporter.reset();
    const res = await call('/api/orders?limit=3', {
      token,
      headers: { traceparent: '00-7bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(res.status).toBe(200);
    const spans = exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === '7bf92f3577b34da6a3ce929d0e0e4736');
    const server = spans.find((s) => s.name === 'GET /api/orders');
    // This test's own call leaves this process carrying a traceparent, so in
    // explicit mode it is a CLIENT span of the trace, and the server's parent.
    const client = spans.find((s) => s.attributes['url.full'] !== undefined);
    expect(client?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(server?.parentSpanContext?.spanId).toBe(client!.spanContext().spanId);
    const db = spans.filter((s) => s !== server && s !== client);
    expect(db.length).toBeGreaterThan(0);
    for (const s of db) expect(s.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
    expect(db.map((s) => s.name)).toContain('SELECT orders');

    const slowQuery = sink
      .find('slow query')
      .filter((l) => l.trace_id === '7bf92f3577b34da6a3ce929d0e0e4736');
    expect(slowQuery.length).toBe(db.length);
    expect(String((slowQuery[0]!.db as { statement: string }).statement)).toContain(
      'FROM orders WHERE user_id = $1',
    );
    const access = sink.find('request').find((l) => l.trace_id === '7bf92f3577b34da6a3ce929d0e0e4736');
    expect(access).toMatchObject({ http: { method: 'GET', route: '/api/orders', status: 200 } });

    const om = await app.request('/metrics', { headers: { accept: 'application/openmetrics-text' } });
    const exemplar = String(om.body)
      .split('\n')
      .find(
        (l) =>
          l.includes('http_route="/api/orders"') && l.includes('trace_id="7bf92f3577b34da6a3ce929d0e0e4736"'),
      );
    const spanId = /span_id="([0-9a-f]{16})"/.exec(exemplar ?? '')?.[1];
    expect(spanId).toBe(server!.spanContext().spanId);
    await tracing.forceFlush();
    const received = await receiver.waitFor((s) => s.spanId === spanId);
    expect(received).toMatchObject({
      traceId: '7bf92f3577b34da6a3ce929d0e0e4736',
      name: 'GET /api/orders',
      service: 'target-app',
    });
  });

  it('never logs passwords or bearer tokens', async () => {
    await call('/api/auth/login', {
      method: 'POST',
      body: { email: 'nobody@example.com', password: 'hunter2-secret' },
    });
    await call('/api/orders', { token });
    const all = JSON.stringify(sink.lines);
    expect(all).not.toContain('hunter2-secret');
    expect(all).not.toContain(token);
  });

  it('a throwing hook does not break the app', async () => {
    throwOnRequest = true;
    try {
      expect((await call('/api/orders', { token })).status).toBe(200);
      expect((await call('/health')).status).toBeLessThan(500);
    } finally {
      throwOnRequest = false;
    }
    expect(sink.lines.some((l) => l.hook === 'onRequest')).toBe(true);
  });
});
