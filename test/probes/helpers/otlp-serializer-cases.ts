import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { LeanTracer } from '../../../probes/tracing/lean-tracer.js';

/*
 * The cases every OTLP writer of ours must pass: for every span shape it must
 * produce the very document OpenTelemetry's own serializer does (the caller
 * says how the two are compared: JSON after parsing, protobuf byte for byte).
 */

type Serialize = (spans: ReadableSpan[]) => unknown;

/** OpenTelemetry's own OTLP/JSON document for these spans, parsed. */
export const referenceJson = (spans: ReadableSpan[]): unknown =>
  JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)));

/** OpenTelemetry's own OTLP/protobuf bytes for these spans. */
export const referenceProto = (spans: ReadableSpan[]): Buffer =>
  Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);

function recorder(resourceAttrs: Attributes = { 'service.name': 'otlp-json-test' }) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resourceAttrs),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { exporter, provider };
}

/** Ended LeanSpans with these names and attributes (set one by one, in order). */
/** A LeanTracer recording into an in-memory exporter, as the probes' tracer records. */
function leanRecorder(attributeCountLimit?: number) {
  const exporter = new InMemorySpanExporter();
  const tracer = new LeanTracer({
    resource: resourceFromAttributes({ 'service.name': 'lean' }),
    instrumentationScope: { name: 'perflab-probes' },
    processors: [new SimpleSpanProcessor(exporter)],
    sampler: new AlwaysOnSampler(),
    ...(attributeCountLimit === undefined ? {} : { limits: { attributeCountLimit } }),
  });
  return { exporter, tracer };
}

/** Ended LeanSpans with these names and attributes (set one by one, in order). */
function leanSpans(list: { name: string; attributes: Attributes }[]): ReadableSpan[] {
  const { exporter, tracer } = leanRecorder();
  for (const { name, attributes } of list) {
    const span = tracer.startSpan(name);
    for (const [k, v] of Object.entries(attributes)) if (v !== undefined) span.setAttribute(k, v);
    span.end();
  }
  return exporter.getFinishedSpans();
}

/** Registers the shared cases inside the caller's describe(). */
export function serializerCases(ours: Serialize, reference: Serialize): void {
  it('writes the same document as OpenTelemetry for real SDK spans', () => {
    const { exporter, provider } = recorder({ 'service.name': 'svc', 'host.cores': 2, 'x.ratio': 0.5 });
    const a = provider.getTracer('perflab-probes');
    const b = provider.getTracer('other', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: new TraceState('vendor=a,other=b'),
    });
    const server = a.startSpan('GET /api/orders/:id', { kind: SpanKind.SERVER }, remote);
    server.setAttributes({
      'http.request.method': 'GET',
      'http.response.status_code': 500,
      'x.double': 1.25,
      'x.bool': false,
      'x.strings': ['a', 'quote " and \\ and \n and é and 😀'],
      'x.numbers': [1, 2.5, -3],
      'x.bools': [true, false],
    });
    server.addEvent('exception', { 'exception.message': 'boom', 'exception.type': 'Error' });
    server.addEvent('bare');
    server.setStatus({ code: SpanStatusCode.ERROR, message: 'it failed' });
    const child = b.startSpan(
      'SELECT orders',
      {
        kind: SpanKind.CLIENT,
        links: [
          { context: server.spanContext(), attributes: { why: 'follows' } },
          {
            context: {
              traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
              spanId: 'bbbbbbbbbbbbbbbb',
              traceFlags: 0,
              isRemote: true,
              traceState: new TraceState('k=v'),
            },
          },
        ],
      },
      trace.setSpan(ROOT_CONTEXT, server),
    );
    child.setAttribute('db.query.text', 'SELECT id FROM orders WHERE id = $1');
    child.end();
    server.end();
    a.startSpan('root, unset status').end();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    expect(ours(spans)).toEqual(reference(spans));
  });

  it('writes the same document for LeanSpans, before and after their attributes object is read', () => {
    const { exporter, tracer } = leanRecorder(4);
    const server = tracer.startSpan('GET', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET' },
    });
    server.setAttribute('url.path', '/api/orders');
    server.setAttributes({ 'http.response.status_code': 200, 'x.list': ['a', 'b'] });
    server.setAttribute('url.path', '/api/orders/7'); // overwritten in place, not appended
    server.setAttribute('over.limit', true); // a fifth key: dropped
    const child = tracer.startSpan(
      'SELECT orders',
      { kind: SpanKind.CLIENT },
      trace.setSpan(ROOT_CONTEXT, server),
    );
    child.setAttribute('db.query.text', 'SELECT id FROM orders WHERE id = $1');
    child.end();
    server.end();
    tracer.startSpan('no attributes').end();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    // Ours first: the reference reads span.attributes, which switches our writers to that object.
    const fromArrays = ours(spans);
    expect(fromArrays).toEqual(reference(spans));
    expect(spans[1]!.attributes).toEqual({
      'http.request.method': 'GET',
      'url.path': '/api/orders/7',
      'http.response.status_code': 200,
      'x.list': ['a', 'b'],
    });
    expect(ours(spans)).toEqual(fromArrays);
    // A processor that changes the object it read is exported as changed.
    spans[0]!.attributes['db.rows'] = 3;
    expect(ours(spans)).toEqual(reference(spans));
    expect(ours(spans)).not.toEqual(fromArrays);
  });

  it('stays right as spans of one name repeat, change, add, drop and reorder their attributes', () => {
    const long = 'x'.repeat(3000); // beyond what the attribute caches keep
    const sequences: Attributes[] = [
      { a: 'GET', b: '/api/orders', c: 200, d: true },
      { a: 'GET', b: '/api/orders', c: 200, d: true }, // the same again
      { a: 'GET', b: '/api/orders', c: 404, d: true }, // one in the middle changed
      { a: 'POST', b: '/api/orders', c: 404, d: true }, // the first changed
      { a: 'POST', b: '/api/orders', c: 404, d: false }, // the last changed
      { a: 'POST', b: '/api/orders', c: 404 }, // one fewer
      { a: 'POST', b: '/api/orders', c: 404, d: false, e: 1.5 }, // two more
      { b: '/api/orders', a: 'POST', c: 404 }, // reordered
      { a: 'POST', b: long, c: 404 }, // not cacheable
      { a: 'POST', b: long, c: 404 },
      { a: 'POST', b: '/api/orders', c: 404 },
      {},
      { a: 'POST' },
    ];
    const spans = leanSpans(sequences.map((attributes) => ({ name: 'GET /api/orders', attributes })));
    expect(ours(spans)).toEqual(reference(spans));
  });

  it('stays right for any sequence of attributes on spans of one name (property-based)', () => {
    const value = fc.oneof(fc.constantFrom('x', 'y', 'z'), fc.integer({ min: 0, max: 3 }), fc.boolean());
    const attrs = fc.dictionary(fc.constantFrom('k1', 'k2', 'k3', 'k4'), value, { maxKeys: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('one', 'two'), attrs), { maxLength: 12 }), (list) => {
        const spans = leanSpans(list.map(([name, attributes]) => ({ name, attributes })));
        expect(ours(spans)).toEqual(reference(spans));
      }),
      { numRuns: 300 },
    );
  });

  it('matches on values the SDK would not record (bytes, maps, null) and on odd timestamps', () => {
    const { exporter, provider } = recorder();
    provider.getTracer('t').startSpan('s').end();
    const real = exporter.getFinishedSpans()[0]!;
    const odd = Object.create(real) as ReadableSpan;
    Object.defineProperties(odd, {
      attributes: {
        value: { bytes: new Uint8Array([0, 1, 254, 255]), map: { a: 1, b: ['x'] }, nothing: null } as never,
      },
      startTime: { value: [0, 5] },
      endTime: { value: [1, 1_500_000_000] }, // not normalized
    });
    expect(ours([odd])).toEqual(reference([odd]));
  });

  it('matches for any attribute values (property-based)', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 3 }),
      fc.array(fc.double({ noNaN: true }), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, { maxKeys: 6 }),
        fc.string(),
        (attrs, name) => {
          const { exporter, provider } = recorder(attrs);
          const span = provider.getTracer('t').startSpan(name, { attributes: attrs });
          span.end();
          const spans = exporter.getFinishedSpans();
          expect(ours(spans)).toEqual(reference(spans));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays right while its attribute cache fills, clears and refills', () => {
    // More distinct key-value pairs than the cache holds, each seen twice
    // (a miss, then a hit), with the same pairs again after the clear.
    const { exporter, provider } = recorder();
    const t = provider.getTracer('t');
    for (let i = 0; i < 4500; i++) {
      const s = t.startSpan('s', { attributes: { 'url.path': `/api/orders/${i}`, n: i, ok: i % 2 === 0 } });
      s.end();
      t.startSpan('s', { attributes: { 'url.path': `/api/orders/${i}`, n: i, ok: i % 2 === 0 } }).end();
    }
    const spans = exporter.getFinishedSpans();
    expect(ours(spans)).toEqual(reference(spans));
    expect(ours(spans.slice(0, 50))).toEqual(reference(spans.slice(0, 50)));
  });
}
