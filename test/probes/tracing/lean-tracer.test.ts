import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type HrTime,
  type Tracer,
} from '@opentelemetry/api';
import { suppressTracing, TraceState } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type IdGenerator,
  type ReadableSpan,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import type { LeanSpan, LeanSpanLimits } from '../../../probes/tracing/lean-span.js';
import { DEFAULT_SPAN_LIMITS, LeanTracer, spanLimitsFromEnv } from '../../../probes/tracing/lean-tracer.js';

// LeanTracer must produce what the SDK's Tracer produces for the same calls:
// both run the same scenario with the same ids and explicit times, and the
// OTLP documents of their finished spans must be identical.

const resource = resourceFromAttributes({ 'service.name': 'lean-tracer-test' });
const SCOPE = 'perflab-probes';

function counterIds(): IdGenerator {
  let n = 0;
  const next = (len: number) => (++n).toString(16).padStart(len, '0');
  return { generateTraceId: () => next(32), generateSpanId: () => next(16) };
}

function both(sampler: Sampler = new AlwaysOnSampler(), limits: Partial<LeanSpanLimits> = {}) {
  const sdkSpans = new InMemorySpanExporter();
  const sdk = new BasicTracerProvider({
    resource,
    sampler,
    idGenerator: counterIds(),
    spanLimits: { ...DEFAULT_SPAN_LIMITS, ...limits },
    spanProcessors: [new SimpleSpanProcessor(sdkSpans)],
  }).getTracer(SCOPE);
  const leanSpans = new InMemorySpanExporter();
  const lean = new LeanTracer({
    resource,
    instrumentationScope: { name: SCOPE },
    processors: [new SimpleSpanProcessor(leanSpans)],
    sampler,
    idGenerator: counterIds(),
    limits,
  });
  return { sdk, lean, sdkSpans, leanSpans };
}

const otlp = (spans: ReadableSpan[]): unknown =>
  JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)));

const T0: HrTime = [1_700_000_000, 123_456_789];
const at = (ms: number): Date => new Date(1_700_000_000_000 + ms);

function scenario(t: Tracer): void {
  const server = t.startSpan('GET', {
    kind: SpanKind.SERVER,
    startTime: T0,
    attributes: { 'http.request.method': 'GET', bad: { nested: 1 } as never, '': 'empty key' },
    links: [
      { context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }, attributes: { k: 'v' } },
    ],
  });
  server.setAttribute('http.route', '/api/orders/:id');
  server.setAttribute('mixed', ['a', 1] as never);
  server.setAttribute('list', ['a', 'b']);
  server.setAttributes({ 'http.response.status_code': 500, ok: true, ratio: 0.5 });
  server.addEvent('cache miss', { key: 'orders:1' }, at(5));
  server.addEvent('tick', [1_700_000_000, 500_000_000]);
  server.recordException(
    Object.assign(new Error('boom'), { code: 'E_BOOM', stack: 'Error: boom\n    at x' }),
    at(6),
  );
  server.updateName('GET /api/orders/:id');
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
  server.setStatus({ code: SpanStatusCode.UNSET });

  const child = t.startSpan(
    'SELECT orders',
    { kind: SpanKind.CLIENT, startTime: at(10) },
    trace.setSpan(ROOT_CONTEXT, server),
  );
  child.setAttribute('db.query.text', 'SELECT * FROM orders WHERE id = $1');
  child.setStatus({ code: SpanStatusCode.OK });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'ignored after OK' });
  child.end(at(20));
  child.end(at(30)); // a second end changes nothing
  child.setAttribute('after.end', 1);

  const remote = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=1'),
  });
  t.startSpan('continued', { startTime: at(1) }, remote).end(at(2));
  t.startSpan('root anyway', { root: true, startTime: at(1) }, remote).end(at(0)); // ends before it starts

  server.end(T0.map((v, i) => (i === 0 ? v + 1 : v)) as HrTime);
}

/** Odd values and every limit reached: what the SDK truncates, drops and counts. */
function limitsScenario(t: Tracer): void {
  const span = t.startSpan('limits', {
    startTime: at(0),
    links: [
      {
        context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 },
        attributes: { a: 'x', b: 'y', c: 'z' },
      },
      { context: { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1 } },
      {
        context: { traceId: 'e'.repeat(32), spanId: 'f'.repeat(16), traceFlags: 0 },
        attributes: { long: 'abcdefghij' },
      },
    ],
  });
  span.setAttribute('long', 'abcdefghijklmnop');
  span.setAttribute('list', ['abcdefghij', 'ab', 'abcdef']);
  span.setAttribute('big', 10n as never);
  span.setAttribute('fn', (() => 1) as never);
  span.setAttribute('sym', Symbol('s') as never);
  span.setAttribute('num', 12345678901);
  span.setAttribute('third', 'kept or dropped by the count limit');
  for (let i = 0; i < 4; i++) {
    span.addEvent(`event ${i}`, { a: 'abcdefghij', b: 2, c: true, big: 1n as never }, at(1 + i));
  }
  span.end(at(10));
}

describe('LeanTracer', () => {
  it('truncates, drops and counts as the SDK does under non-default limits, with odd values', () => {
    const limits = {
      attributeCountLimit: 4,
      attributeValueLengthLimit: 5,
      eventCountLimit: 2,
      linkCountLimit: 2,
      attributePerEventCountLimit: 2,
      attributePerLinkCountLimit: 1,
    };
    const { sdk, lean, sdkSpans, leanSpans } = both(new AlwaysOnSampler(), limits);
    limitsScenario(sdk);
    limitsScenario(lean);
    const theirs = sdkSpans.getFinishedSpans();
    const ours = leanSpans.getFinishedSpans();
    expect(otlp(ours)).toEqual(otlp(theirs));
    expect(ours[0]!.attributes).toEqual(theirs[0]!.attributes);
    // The bigint is refused outright, as the SDK does; of the three valid attributes one is over the limit.
    expect(ours[0]!.events.map((e) => e.droppedAttributesCount)).toEqual([1, 1]);
    expect(ours[0]!.droppedEventsCount).toBe(2);
    expect(ours[0]!.droppedLinksCount).toBe(1);
  });

  it('reads the limits from the environment as the SDK does', () => {
    expect(spanLimitsFromEnv({})).toEqual(DEFAULT_SPAN_LIMITS);
    expect(
      spanLimitsFromEnv({
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '64',
        OTEL_ATTRIBUTE_COUNT_LIMIT: '10',
        OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '20',
        OTEL_SPAN_EVENT_COUNT_LIMIT: '3',
        OTEL_SPAN_LINK_COUNT_LIMIT: '4',
        OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT: '5',
        OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT: '6',
      }),
    ).toEqual({
      attributeCountLimit: 20,
      attributeValueLengthLimit: 64,
      eventCountLimit: 3,
      linkCountLimit: 4,
      attributePerEventCountLimit: 5,
      attributePerLinkCountLimit: 6,
    });
    expect(
      spanLimitsFromEnv({
        OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '8',
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '64',
      }),
    ).toMatchObject({ attributeValueLengthLimit: 8 });
  });

  it('calls onEnding before onEnd, and a processor failing on start reaches neither the app nor the others', () => {
    const calls: string[] = [];
    const tracer = new LeanTracer({
      resource,
      instrumentationScope: { name: SCOPE },
      sampler: new AlwaysOnSampler(),
      processors: [
        {
          onStart: () => {
            throw new Error('start failed');
          },
          onEnd: () => calls.push('first end'),
          forceFlush: async () => {},
          shutdown: async () => {},
        },
        {
          onStart: () => calls.push('second start'),
          onEnding: () => calls.push('second ending'),
          onEnd: () => calls.push('second end'),
          forceFlush: async () => {},
          shutdown: async () => {},
        },
      ],
    });
    const span = tracer.startSpan('guarded');
    span.end();
    expect(calls).toEqual(['second start', 'second ending', 'first end', 'second end']);
  });

  it('exports the same spans as the SDK tracer for the same calls', () => {
    const { sdk, lean, sdkSpans, leanSpans } = both();
    scenario(sdk);
    scenario(lean);
    const theirs = sdkSpans.getFinishedSpans();
    const ours = leanSpans.getFinishedSpans();
    expect(ours).toHaveLength(4);
    expect(otlp(ours)).toEqual(otlp(theirs));
    ours.forEach((span, i) => {
      expect(span.duration).toEqual(theirs[i]!.duration);
      expect(span.ended).toBe(true);
    });
  });

  it('drops attributes past the count limit as the SDK does', () => {
    const { sdk, lean, sdkSpans, leanSpans } = both(new AlwaysOnSampler(), { attributeCountLimit: 2 });
    for (const t of [sdk, lean]) {
      const s = t.startSpan('limited', { startTime: at(0), attributes: { a: 1, b: 2, c: 3 } });
      s.setAttribute('a', 10); // an existing key is still updated
      s.setAttribute('d', 4);
      s.end(at(1));
    }
    const [theirs] = sdkSpans.getFinishedSpans();
    const [ours] = leanSpans.getFinishedSpans();
    expect(ours!.attributes).toEqual({ a: 10, b: 2 });
    expect(ours!.droppedAttributesCount).toBe(theirs!.droppedAttributesCount);
    expect(otlp([ours!])).toEqual(otlp([theirs!]));
  });

  it('makes non-recording spans for unsampled and suppressed contexts', () => {
    const { lean, leanSpans } = both(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0) }));
    const dropped = lean.startSpan('unsampled root');
    expect(dropped.isRecording()).toBe(false);
    expect(dropped.spanContext().traceFlags).toBe(TraceFlags.NONE);
    expect(dropped.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    const suppressed = lean.startSpan('suppressed', {}, suppressTracing(ROOT_CONTEXT));
    expect(suppressed.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(suppressed.spanContext())).toBe(false);
    const sampledParent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const child = lean.startSpan('child of sampled', {}, sampledParent);
    expect(child.isRecording()).toBe(true);
    child.end();
    expect(leanSpans.getFinishedSpans().map((s) => s.name)).toEqual(['child of sampled']);
  });

  it('runs startActiveSpan with the span active, in all three forms', () => {
    const { lean } = both();
    const names: (string | undefined)[] = [];
    const record = (span: { end(): void }) => {
      names.push((trace.getActiveSpan() as unknown as { name?: string })?.name);
      span.end();
      return 42;
    };
    // Without a context manager, context.with() does not switch: the callback still gets the span.
    expect(lean.startActiveSpan('a', record)).toBe(42);
    expect(lean.startActiveSpan('b', { kind: SpanKind.INTERNAL }, record)).toBe(42);
    expect(lean.startActiveSpan('c', {}, ROOT_CONTEXT, record)).toBe(42);
    expect(names).toHaveLength(3);
  });

  it('times spans that are given no times from the wall clock, monotonically', () => {
    const { lean, leanSpans } = both();
    const before = Date.now();
    const s = lean.startSpan('now');
    s.addEvent('midway');
    s.end();
    const after = Date.now();
    const [span] = leanSpans.getFinishedSpans();
    const ms = (t: HrTime) => t[0] * 1e3 + t[1] / 1e6;
    expect(ms(span!.startTime)).toBeGreaterThanOrEqual(before);
    expect(ms(span!.events[0]!.time)).toBeGreaterThanOrEqual(ms(span!.startTime));
    expect(ms(span!.endTime)).toBeGreaterThanOrEqual(ms(span!.events[0]!.time));
    expect(ms(span!.endTime)).toBeLessThanOrEqual(after + 1);
  });
});

describe('LeanSpan.endAt', () => {
  const ms = (t: HrTime) => t[0] * 1e3 + t[1] / 1e6;

  it('ends at a performance.now() reading taken before, as end() would have then', () => {
    const { lean, leanSpans } = both();
    const s = lean.startSpan('timed') as LeanSpan;
    const taken = performance.now();
    const late = lean.startSpan('late');
    late.end();
    s.endAt(taken);
    const [lateSpan, span] = leanSpans.getFinishedSpans();
    expect(ms(span!.endTime)).toBeGreaterThanOrEqual(ms(span!.startTime));
    // Ended at `taken`, so before the span started after that reading ended.
    expect(ms(span!.endTime)).toBeLessThanOrEqual(ms(lateSpan!.endTime));
    expect(ms(span!.endTime) - ms(span!.startTime)).toBeLessThanOrEqual(
      ms(lateSpan!.startTime) - ms(span!.startTime) + 0.001,
    );
  });

  it('with startSpanAt, spans exactly the time between the two readings', () => {
    const { lean, leanSpans } = both();
    const at = performance.now();
    const s = lean.startSpanAt('between', {}, ROOT_CONTEXT, at) as LeanSpan;
    s.endAt(at + 5);
    const [span] = leanSpans.getFinishedSpans();
    expect(span!.duration).toEqual([0, 5_000_000]);
  });

  it('ends once: a second end is refused and reaches no processor again', () => {
    const { lean, leanSpans } = both();
    const s = lean.startSpan('once') as LeanSpan;
    s.end();
    s.endAt(performance.now());
    expect(leanSpans.getFinishedSpans()).toHaveLength(1);
  });

  it('with a start time given, ends from the wall clock as end() does', () => {
    const { lean, leanSpans } = both();
    const start = Date.now() - 5_000;
    const s = lean.startSpan('given', { startTime: start }) as LeanSpan;
    const before = Date.now();
    s.endAt(0); // the reading is ignored: the span's start is not on the monotonic clock
    const [span] = leanSpans.getFinishedSpans();
    expect(ms(span!.startTime)).toBe(start);
    expect(ms(span!.endTime)).toBeGreaterThanOrEqual(before);
  });
});
