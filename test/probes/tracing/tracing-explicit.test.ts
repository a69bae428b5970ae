import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIRINGS } from '../helpers/minimal-app.js';
import { startTracedApp, type TracedApp } from '../helpers/traced-app.js';

// Lean tracing in `explicit` context mode: no context manager, no
// AsyncLocalStorage; the app passes the request through probes.forRequest(req).
// The OTel globals can be registered once per process, hence its own file.

let t: TracedApp;
beforeAll(async () => {
  // No `context` option for the probes: they follow the mode startTracing chose.
  t = await startTracedApp({ serviceName: 'explicit-under-test', context: 'explicit' }, {});
});
afterAll(() => t.close());

describe.each(WIRINGS)('lean tracing with explicit context, wired as %s', (wiring) => {
  beforeAll(() => t.wire(wiring));

  it('registers no context manager, so nothing switches AsyncLocalStorage on', () => {
    expect(t.tracing.context).toBe('explicit');
    const key = createContextKey('probe');
    const ctx = ROOT_CONTEXT.setValue(key, 1);
    expect(context.with(ctx, () => context.active().getValue(key))).toBeUndefined();
  });

  it('puts the DB spans of queries made through forRequest(req).db() under the server span', async () => {
    const { body } = await t.get('/api/explicit/n-plus-one');
    expect(JSON.parse(body)).toMatchObject({ stats: { queries: 5 }, current: null, same: true });
    const info = t.waiter.seen.at(-1)!;
    expect(info).toMatchObject({ route: '/api/explicit/n-plus-one', queries: 5 });
    await t.tracing.forceFlush();
    const server = await t.receiver.waitFor((s) => s.traceId === info.traceId && s.kind === 2);
    expect(server).toMatchObject({
      name: 'GET /api/explicit/n-plus-one',
      parentSpanId: '',
      attributes: { 'http.route': '/api/explicit/n-plus-one', 'perflab.db.query_count': 5 },
    });
    await t.receiver.waitFor((s) => s.traceId === info.traceId && s.name === 'INSERT audit_log');
    const dbSpans = t.receiver.spans.filter((s) => s.traceId === info.traceId && s.kind === 3);
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
    expect(t.receiver.spans.some((s) => s.name === 'SELECT unbound')).toBe(false);
  });

  it('continues an incoming traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await t.getPlain('/hello', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    await t.tracing.forceFlush();
    const span = await t.receiver.waitFor((s) => s.traceId === traceId);
    expect(span).toMatchObject({ name: 'GET /hello', parentSpanId: '00f067aa0ba902b7', kind: 2 });
  });

  it('turns outgoing calls carrying traceHeaders() into CLIENT spans, rewriting the one traceparent', async () => {
    const { server, calls } = await t.outgoingCalls(
      '/api/explicit/proxy',
      '0af7651916cd43dd8448eb211c80319c',
      'node:http',
    );
    expect(calls).toHaveLength(2);
    for (const { spanId, client } of calls) {
      expect(spanId).not.toBe(server.spanId); // the client span's id, not the server's
      expect(client).toMatchObject({ kind: 3, name: 'GET', parentSpanId: server.spanId });
    }
  });

  it('leaves calls made without traceHeaders() untraced', async () => {
    t.downstreamHeaders.length = 0;
    await t.get('/api/proxy');
    expect(t.downstreamHeaders).toHaveLength(2);
    for (const headers of t.downstreamHeaders) expect(headers.traceparent).toBeUndefined();
  });

  it('stamps the request logger lines with the server span ids', async () => {
    await t.get('/api/explicit/log');
    const info = t.waiter.seen.at(-1)!;
    const inside = t.sink.find('inside handler').at(-1);
    expect(inside).toMatchObject({ trace_id: info.traceId, where: 'handler', trace_flags: '01' });
    await t.tracing.forceFlush();
    const span = await t.receiver.waitFor((s) => s.traceId === info.traceId && s.kind === 2);
    expect(inside!.span_id).toBe(span.spanId);
    // The base logger has no request to name.
    await t.get('/api/log');
    expect(t.sink.find('inside handler').at(-1)).not.toHaveProperty('trace_id');
  });
});
