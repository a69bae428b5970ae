import { trace, type Link, type Tracer } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTracingState } from '../../../probes/tracing/global-tracing-state.js';
import type { ReceivedSpan } from '../helpers/otlp-receiver.js';
import { startTracedApp, type TracedApp } from '../helpers/traced-app.js';

// Span limits from the environment, end to end: startTracing reads them once
// and gives them to the probes' tracer and to the SDK provider behind
// trace.getTracer(), so every span in the process, whoever made it, reaches
// the OTLP receiver cut the same way. Runs on both span pipelines
// (PERFLAB_TRACER=sdk in the probes-sdk project). Own file: the OTel globals
// can be registered once per process.

const LIMITS: Record<string, string> = {
  // The span-specific limits win over the general ones.
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '40',
  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '12',
  OTEL_ATTRIBUTE_COUNT_LIMIT: '50',
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '6',
  OTEL_SPAN_EVENT_COUNT_LIMIT: '2',
  OTEL_SPAN_LINK_COUNT_LIMIT: '1',
  OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT: '1',
  OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT: '1',
};
const VALUE_LENGTH = 12;
const ATTRIBUTE_COUNT = 6;

let t: TracedApp;
beforeAll(async () => {
  // Given to startTracing's environment alone, not to process.env: the SDK
  // provider reads OTEL_SPAN_* from process.env on its own when it is given no
  // limits, so only this way does a span from trace.getTracer() show that it
  // got startTracing's.
  for (const name of Object.keys(LIMITS)) expect(process.env[name]).toBeUndefined();
  t = await startTracedApp({ serviceName: 'limits-under-test' }, {}, LIMITS);
  await t.wire('wrap');
});
afterAll(() => t.close());

function randomTraceId(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** One span with more attributes, events and links than the limits allow, and long values in each. */
function overLimits(tracer: Tracer, name: string): void {
  const link = (byte: string): Link => ({
    context: { traceId: byte.repeat(32), spanId: byte.repeat(16), traceFlags: 1 },
    attributes: { 'link.long': 'l'.repeat(30), 'link.other': 1 },
  });
  const span = tracer.startSpan(name, {
    attributes: { long: 'x'.repeat(30) },
    links: [link('a'), link('b')],
  });
  for (let i = 0; i < 8; i++) span.setAttribute(`a${i}`, i);
  for (let i = 0; i < 3; i++) span.addEvent(`e${i}`, { 'event.long': 'e'.repeat(30), 'event.other': i });
  span.end();
}

/** What the limits act on, without ids, names and scope. */
function limited(s: ReceivedSpan) {
  return {
    attributes: s.attributes,
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events,
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({
      attributes: l.attributes,
      droppedAttributesCount: l.droppedAttributesCount,
    })),
    droppedLinksCount: s.droppedLinksCount,
  };
}

describe('span limits from the environment', () => {
  it("cut the probes' own server and DB spans: values truncated, attributes past the count dropped", async () => {
    const traceId = randomTraceId();
    await t.get('/api/orders/42', { traceparent: `00-${traceId}-b7ad6b7169203331-01` });
    await t.tracing.forceFlush();
    const server = await t.receiver.waitFor((s) => s.traceId === traceId && s.kind === 2);
    const db = await t.receiver.waitFor((s) => s.traceId === traceId && s.kind === 3);

    expect(Object.keys(server.attributes)).toHaveLength(ATTRIBUTE_COUNT);
    expect(server.attributes['url.path']).toBe('/api/orders/'); // '/api/orders/42', cut to 12
    // Route and status come at the end, when the count is already reached.
    expect(server.attributes).not.toHaveProperty('http.route');
    expect(server.attributes).not.toHaveProperty('http.response.status_code');
    expect(server.droppedAttributesCount).toBeGreaterThanOrEqual(2);
    expect(server.name).toBe('GET /api/orders/:id'); // the name is not an attribute: kept whole

    expect(db.attributes['db.query.text']).toBe('SELECT id, t');
    for (const span of [server, db]) {
      for (const value of Object.values(span.attributes)) {
        if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(VALUE_LENGTH);
      }
    }
  });

  it("cut a span from the probes' tracer and one from trace.getTracer('other') alike", async () => {
    const probesTracer = getTracingState()?.tracer;
    expect(probesTracer).toBeDefined();
    overLimits(probesTracer!, 'probes-tracer-span');
    overLimits(trace.getTracer('other'), 'other-tracer-span');
    await t.tracing.forceFlush();
    const probes = await t.receiver.waitFor((s) => s.name === 'probes-tracer-span');
    const other = await t.receiver.waitFor((s) => s.name === 'other-tracer-span');
    expect(probes.scope.name).toBe('perflab-probes');
    expect(other.scope.name).toBe('other');

    const expected = {
      attributes: { long: 'x'.repeat(VALUE_LENGTH), a0: 0, a1: 1, a2: 2, a3: 3, a4: 4 },
      droppedAttributesCount: 3,
      // Past the event count the oldest events go, as in the SDK: the last ones are kept.
      events: [1, 2].map((i) => ({
        name: `e${i}`,
        attributes: { 'event.long': 'e'.repeat(VALUE_LENGTH) },
        droppedAttributesCount: 1,
      })),
      droppedEventsCount: 1,
      links: [{ attributes: { 'link.long': 'l'.repeat(VALUE_LENGTH) }, droppedAttributesCount: 1 }],
      droppedLinksCount: 1,
    };
    expect(limited(probes)).toEqual(expected);
    expect(limited(other)).toEqual(expected);
    // Links likewise: of the two, the second is kept.
    for (const span of [probes, other]) {
      expect(span.links[0]).toMatchObject({ traceId: 'b'.repeat(32), spanId: 'b'.repeat(16) });
    }
  });
});
