import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACER_NAME, TRACER_VERSION } from '../../../probes/tracing/global-tracing-state.js';
import { FakeDb } from '../helpers/probe-harness.js';
import { startTracedApp, type TracedApp } from '../helpers/traced-app.js';

// The server span against the HTTP semantic conventions, in `explicit`
// context mode (how the target app runs), with tracing started unnamed as
// probes/register.ts starts it without OTEL_SERVICE_NAME: the app's
// createProbes({ serviceName }) must name the resource. Own file: the OTel
// globals can be registered once per process.

let t: TracedApp;
const savedServiceName = process.env.OTEL_SERVICE_NAME;
beforeAll(async () => {
  delete process.env.OTEL_SERVICE_NAME;
  t = await startTracedApp(
    { context: 'explicit' },
    // Every request and query is "slow": their warnings must carry the span's ids.
    { serviceName: 'named-by-the-app', slowRequestMs: 0, slowQueryMs: 0 },
  );
  // A PostgreSQL server as the target app's pg pool describes it (target-app/db/pg.ts).
  const db = Object.assign(new FakeDb(), {
    connection: { host: 'db.example', port: 6543, namespace: 'shop|tenant_a' },
  });
  await t.wire('wrap', db);
});
afterAll(async () => {
  await t.close();
  if (savedServiceName !== undefined) process.env.OTEL_SERVICE_NAME = savedServiceName;
});

async function serverSpan(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const traceId = [...crypto.getRandomValues(new Uint8Array(16))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
  const traceparent = `00-${traceId}-b7ad6b7169203331-01`;
  if (method === 'GET') await t.get(path, { traceparent, ...headers });
  else await t.request(path, method, { traceparent, ...headers });
  await t.tracing.forceFlush();
  return t.receiver.waitFor((s) => s.traceId === traceId && s.kind === 2);
}

describe('server spans and the resource, by the semantic conventions', () => {
  it('names the resource after createProbes({ serviceName }), and the scope with the package version', async () => {
    const span = await serverSpan('/hello');
    expect(span.resource['service.name']).toBe('named-by-the-app');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(TRACER_VERSION).toBe(pkg.version);
    expect(span.scope).toEqual({ name: TRACER_NAME, version: pkg.version });
  });

  it('records url.query with the values of sensitive keys redacted, keys kept', async () => {
    const span = await serverSpan(
      '/hello?q=shoes&token=abc123&password=hunter2&key=k3y&secret=s3cr3t&sig=s1&Sig=case-kept&api%5Fkey=k&empty',
    );
    expect(span.attributes).toMatchObject({
      'url.path': '/hello',
      'url.query':
        'q=shoes&token=REDACTED&password=REDACTED&key=REDACTED&secret=REDACTED&sig=REDACTED&Sig=case-kept&api%5Fkey=REDACTED&empty',
    });
    expect(JSON.stringify(span)).not.toMatch(/abc123|hunter2|k3y|s3cr3t|s1"|=k&/);
    const plain = await serverSpan('/hello');
    expect(plain.attributes).not.toHaveProperty('url.query');
  });

  it('names a request with an unknown method HTTP and keeps the method sent in http.request.method_original', async () => {
    const span = await serverSpan('/hello', {}, 'PROPFIND');
    expect(span.name).toBe('HTTP');
    expect(span.attributes).toMatchObject({
      'http.request.method': '_OTHER',
      'http.request.method_original': 'PROPFIND',
    });
    const known = await serverSpan('/hello');
    expect(known.attributes).not.toHaveProperty('http.request.method_original');
  });

  it('names a request with an unknown method that a route matches (app.all) HTTP and the route', async () => {
    const span = await serverSpan('/any/7', {}, 'PROPFIND');
    expect(span.name).toBe('HTTP /any/:id');
    expect(span.attributes).toMatchObject({
      'http.route': '/any/:id',
      'http.request.method': '_OTHER',
      'http.request.method_original': 'PROPFIND',
      'http.response.status_code': 200,
    });
  });

  it("marks perflab's own load (User-Agent perflab/<version>) as synthetic test traffic", async () => {
    const load = await serverSpan('/hello', { 'user-agent': 'perflab/0.1.0' });
    expect(load.attributes).toMatchObject({
      'user_agent.original': 'perflab/0.1.0',
      'user_agent.synthetic.type': 'test',
    });
    const browser = await serverSpan('/hello', { 'user-agent': 'Mozilla/5.0 perflab/0.1.0' });
    expect(browser.attributes).not.toHaveProperty('user_agent.synthetic.type');
  });

  it('records a client abort as error.type only: no status code was sent', async () => {
    await t.abortWait();
    const info = t.waiter.seen.at(-1)!;
    await t.tracing.forceFlush();
    const span = await t.receiver.waitFor((s) => s.traceId === info.traceId && s.kind === 2);
    expect(span.name).toBe('GET /wait');
    expect(span.attributes['error.type']).toBe('aborted');
    expect(span.attributes).not.toHaveProperty('http.response.status_code');
    expect(span.status.code).toBe(2);
  });

  it("stamps trace_flags beside trace_id and span_id on the probes' own log lines", async () => {
    const span = await serverSpan('/hello');
    const line = t.sink.lines.find((l) => l.msg === 'slow request' && l.trace_id === span.traceId);
    expect(line).toMatchObject({ span_id: span.spanId, trace_flags: '01' });
    const withQuery = await serverSpan('/api/explicit/n-plus-one');
    const dbSpan = await t.receiver.waitFor(
      (s) => s.traceId === withQuery.traceId && s.name === 'UPDATE orders',
    );
    const slowQuery = t.sink.lines.find((l) => l.msg === 'slow query' && l.span_id === dbSpan.spanId);
    expect(slowQuery).toMatchObject({ trace_id: withQuery.traceId, trace_flags: '01' });
  });

  it('puts server.address, server.port and db.namespace on DB spans', async () => {
    await t.get('/api/explicit/n-plus-one');
    const info = t.waiter.seen.at(-1)!;
    await t.tracing.forceFlush();
    const span = await t.receiver.waitFor((s) => s.traceId === info.traceId && s.name === 'UPDATE orders');
    expect(span.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.namespace': 'shop|tenant_a',
      'server.address': 'db.example',
      'server.port': 6543,
    });
  });
});
