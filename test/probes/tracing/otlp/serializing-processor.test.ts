import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  SerializedOtlpExporter,
  serializedJsonRequest,
  serializedProtoRequest,
  type OtlpProtocol,
  type SerializedSpans,
  type SpanEncoding,
} from '../../../../probes/tracing/otlp/otlp-exporter.js';
import {
  batchSettingsFromEnv,
  SerializingSpanProcessor,
  type BatchSettings,
} from '../../../../probes/tracing/otlp/serializing-processor.js';
import { decodeTraceRequest } from '../../helpers/otlp-proto-decode.js';
import { referenceJson, referenceProto } from '../../helpers/otlp-serializer-cases.js';

/** Each protocol's span encoding, as the real exporter carries it. */
function encodingOf(protocol: OtlpProtocol): SpanEncoding {
  const real = new SerializedOtlpExporter(protocol);
  void real.shutdown();
  return real.encoding;
}

/**
 * Records what it is asked to export, copied as a real exporter sends it
 * before calling back (the processor reuses the buffers after); answers at
 * once unless told to hold.
 */
class CapturingExporter {
  constructor(readonly encoding: SpanEncoding) {}
  readonly exports: SerializedSpans[] = [];
  /** What the processor handed over, uncopied. */
  readonly handed: SerializedSpans[] = [];
  readonly pending: ((r: ExportResult) => void)[] = [];
  hold = false;
  shutDown = false;
  export(spans: SerializedSpans, done: (r: ExportResult) => void): void {
    this.handed.push(spans);
    this.exports.push({
      count: spans.count,
      batches: spans.batches.map((b) => ({ ...b, spans: b.spans.map((bytes) => Buffer.from(bytes)) })),
    });
    if (this.hold) this.pending.push(done);
    else done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    this.shutDown = true;
    return Promise.resolve();
  }
}

const SETTINGS: BatchSettings = { scheduledDelayMillis: 5000, maxExportBatchSize: 512, maxQueueSize: 2048 };

function setup(settings: Partial<BatchSettings> = {}, protocol: OtlpProtocol = 'http/protobuf') {
  const exporter = new CapturingExporter(encodingOf(protocol));
  const processor = new SerializingSpanProcessor(exporter, { ...SETTINGS, ...settings });
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'serializing-test' }),
    spanProcessors: [processor, new SimpleSpanProcessor(memory)],
  });
  return { exporter, processor, memory, provider };
}

/** What OpenTelemetry's own serializer makes of these spans: JSON parsed, protobuf as bytes. */
function reference(spans: ReadableSpan[], protocol: OtlpProtocol): unknown {
  return protocol === 'http/json' ? referenceJson(spans) : referenceProto(spans);
}
function sent(s: SerializedSpans, protocol: OtlpProtocol): unknown {
  return protocol === 'http/json'
    ? JSON.parse(serializedJsonRequest(s).toString('utf8'))
    : serializedProtoRequest(s);
}
/** The exported document as OTLP/JSON, whichever the encoding. */
function body(
  s: SerializedSpans,
  protocol: OtlpProtocol,
): { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] } {
  return (
    protocol === 'http/json'
      ? JSON.parse(serializedJsonRequest(s).toString('utf8'))
      : decodeTraceRequest(serializedProtoRequest(s))
  ) as ReturnType<typeof body>;
}

describe.each(['http/protobuf', 'http/json'] as const)('SerializingSpanProcessor (%s)', (protocol) => {
  afterEach(() => vi.useRealTimers());
  const setupFor = (settings: Partial<BatchSettings> = {}) => setup(settings, protocol);

  it(`exports exactly what OpenTelemetry's ${protocol} serializer does, across scopes`, async () => {
    const { exporter, processor, memory, provider } = setupFor();
    const a = provider.getTracer('a', '1.0.0');
    const b = provider.getTracer('b');
    const server = a.startSpan('GET /api/orders', {
      kind: SpanKind.SERVER,
      attributes: { 'http.route': '/api/orders' },
    });
    const child = b.startSpan(
      'SELECT orders',
      { kind: SpanKind.CLIENT },
      trace.setSpan(ROOT_CONTEXT, server),
    );
    child.setAttribute('db.query.text', 'SELECT "x" FROM orders WHERE id = $1 -- é');
    child.end();
    server.end();
    a.startSpan('another').end();
    expect(exporter.exports).toHaveLength(0); // batched, not sent per span
    await processor.forceFlush();
    expect(exporter.exports).toHaveLength(1);
    expect(exporter.exports[0]!.count).toBe(3);
    expect(sent(exporter.exports[0]!, protocol)).toEqual(reference(memory.getFinishedSpans(), protocol));
  });

  it('drops a span that fails half-way through serializing, and keeps the batch whole', async () => {
    const { exporter, processor, memory, provider } = setupFor();
    const t = provider.getTracer('t');
    t.startSpan('first').end();
    const good = memory.getFinishedSpans()[0]!;
    // Its ids are written before its name is read.
    const broken = new Proxy(good, {
      get: (target, prop, receiver) => {
        if (prop === 'name') throw new Error('unreadable');
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    processor.onEnd(broken);
    t.startSpan('second').end();
    await processor.forceFlush();
    expect(exporter.exports[0]!.count).toBe(2);
    expect(sent(exporter.exports[0]!, protocol)).toEqual(reference(memory.getFinishedSpans(), protocol));
  });

  it('exports a batch as soon as it is full, and the rest on forceFlush', async () => {
    const { exporter, processor, provider } = setupFor({ maxExportBatchSize: 2 });
    const t = provider.getTracer('t');
    for (let i = 0; i < 5; i++) t.startSpan(`s${i}`).end();
    expect(exporter.exports.map((e) => e.count)).toEqual([2, 2]);
    await processor.forceFlush();
    expect(exporter.exports.map((e) => e.count)).toEqual([2, 2, 1]);
    const names = exporter.exports.flatMap((e) =>
      body(e, protocol).resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name),
    );
    expect(names).toEqual(['s0', 's1', 's2', 's3', 's4']);
  });

  it('writes ended spans in runs of 64, in order, and what still waits when flushed', async () => {
    const encoding = encodingOf(protocol);
    let written = 0;
    const exporter = new CapturingExporter((w, span) => {
      written++;
      encoding(w, span);
    });
    const processor = new SerializingSpanProcessor(exporter, SETTINGS);
    const t = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('t');
    for (let i = 0; i < 63; i++) t.startSpan(`s${i}`).end();
    expect(written).toBe(0);
    t.startSpan('s63').end();
    expect(written).toBe(64);
    for (let i = 64; i < 70; i++) t.startSpan(`s${i}`).end();
    expect(written).toBe(64);
    await processor.forceFlush();
    expect(written).toBe(70);
    expect(exporter.exports.map((e) => e.count)).toEqual([70]);
    const names = body(exporter.exports[0]!, protocol).resourceSpans[0]!.scopeSpans[0]!.spans.map(
      (s) => s.name,
    );
    expect(names).toEqual(Array.from({ length: 70 }, (_, i) => `s${i}`));
  });

  it('exports after the schedule delay without a flush', () => {
    vi.useFakeTimers();
    const { exporter, provider } = setupFor({ scheduledDelayMillis: 1000 });
    provider.getTracer('t').startSpan('late').end();
    vi.advanceTimersByTime(999);
    expect(exporter.exports).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(exporter.exports).toHaveLength(1);
  });

  it('skips unsampled spans', async () => {
    const { exporter, processor, provider } = setupFor();
    const parent = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    provider.getTracer('t').startSpan('child of unsampled', {}, trace.setSpan(ROOT_CONTEXT, parent)).end();
    await processor.forceFlush();
    expect(exporter.exports).toHaveLength(0);
  });

  it('drops spans beyond maxQueueSize while exports are in flight, and waits for them on flush', async () => {
    const { exporter, processor, provider } = setupFor({ maxExportBatchSize: 2, maxQueueSize: 4 });
    exporter.hold = true;
    const t = provider.getTracer('t');
    for (let i = 0; i < 7; i++) t.startSpan(`s${i}`).end();
    expect(exporter.exports.map((e) => e.count)).toEqual([2, 2]);
    expect(processor.droppedSpans).toBe(3);
    let flushed = false;
    const flush = processor.forceFlush().then(() => (flushed = true));
    await Promise.resolve();
    expect(flushed).toBe(false);
    exporter.hold = false;
    exporter.pending.forEach((done) => done({ code: ExportResultCode.SUCCESS }));
    await flush;
    t.startSpan('after').end(); // room again
    await processor.forceFlush();
    expect(exporter.exports.map((e) => e.count)).toEqual([2, 2, 1]);
  });

  it("reuses a batch's buffer once its export is done, never while it is in flight", async () => {
    const { exporter, processor, provider } = setupFor({ maxExportBatchSize: 2 });
    // Where export i's bytes live (small buffers share one of Node's pool slabs, so the offset counts too).
    const memoryOf = (i: number): string => {
      const bytes = exporter.handed[i]!.batches[0]!.spans[0]!;
      let id = slabs.get(bytes.buffer);
      if (id === undefined) slabs.set(bytes.buffer, (id = slabs.size));
      return `${id}@${bytes.byteOffset}`;
    };
    const slabs = new Map<ArrayBufferLike, number>();
    const namesIn = (s: SerializedSpans): string[] =>
      body(s, protocol).resourceSpans[0]!.scopeSpans[0]!.spans.map((x) => x.name);
    exporter.hold = true;
    const t = provider.getTracer('t');
    for (let i = 0; i < 4; i++) t.startSpan(`s${i}`).end();
    // Two exports in flight: two buffers, each still holding its own spans.
    expect(exporter.handed).toHaveLength(2);
    expect(memoryOf(1)).not.toBe(memoryOf(0));
    exporter.pending.shift()!({ code: ExportResultCode.SUCCESS });
    for (let i = 4; i < 6; i++) t.startSpan(`s${i}`).end();
    // The first export is done: its buffer takes the third batch...
    expect(memoryOf(2)).toBe(memoryOf(0));
    // ...and the second, still in flight, is untouched.
    expect(namesIn(exporter.handed[1]!)).toEqual(['s2', 's3']);
    expect(namesIn(exporter.handed[2]!)).toEqual(['s4', 's5']);
    // A callback made twice hands the buffer out once: two batches in flight
    // after it still have a buffer each.
    const second = exporter.pending.shift()!;
    second({ code: ExportResultCode.SUCCESS });
    second({ code: ExportResultCode.SUCCESS });
    for (let i = 6; i < 10; i++) t.startSpan(`s${i}`).end();
    expect(memoryOf(3)).toBe(memoryOf(1));
    expect(memoryOf(4)).not.toBe(memoryOf(3));
    expect(exporter.handed.slice(3).map(namesIn)).toEqual([
      ['s6', 's7'],
      ['s8', 's9'],
    ]);
    exporter.hold = false;
    exporter.pending.splice(0).forEach((done) => done({ code: ExportResultCode.SUCCESS }));
    await processor.forceFlush();
  });

  it('shuts the exporter down once, after a last flush, and ignores later spans', async () => {
    const { exporter, processor, provider } = setupFor();
    const t = provider.getTracer('t');
    t.startSpan('before').end();
    await Promise.all([processor.shutdown(), processor.shutdown()]);
    expect(exporter.shutDown).toBe(true);
    expect(exporter.exports.map((e) => e.count)).toEqual([1]);
    t.startSpan('after').end();
    await processor.forceFlush();
    expect(exporter.exports).toHaveLength(1);
  });
});

describe('batchSettingsFromEnv', () => {
  it('has the SDK defaults and reads OTEL_BSP_*', () => {
    expect(batchSettingsFromEnv({})).toEqual(SETTINGS);
    expect(
      batchSettingsFromEnv({
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '64',
        OTEL_BSP_MAX_QUEUE_SIZE: '128',
      }),
    ).toEqual({ scheduledDelayMillis: 200, maxExportBatchSize: 64, maxQueueSize: 128 });
  });

  it('keeps the default for an unusable value and never batches beyond the queue', () => {
    expect(batchSettingsFromEnv({ OTEL_BSP_SCHEDULE_DELAY: 'soon', OTEL_BSP_MAX_QUEUE_SIZE: '-1' })).toEqual(
      SETTINGS,
    );
    expect(batchSettingsFromEnv({ OTEL_BSP_MAX_QUEUE_SIZE: '100' }).maxExportBatchSize).toBe(100);
  });
});
