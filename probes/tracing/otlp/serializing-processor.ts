import { context, diag, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ByteBuffer } from './byte-buffer.js';
import { scopeKey } from './otlp-json.js';
import type { SerializedSpans, SpanEncoding } from './otlp-exporter.js';

/** The OTEL_BSP_* settings, with the SDK's defaults. */
export interface BatchSettings {
  scheduledDelayMillis: number;
  maxExportBatchSize: number;
  maxQueueSize: number;
}

/** What the processor exports through (SerializedOtlpExporter, or a test double). */
export interface SerializedExporter {
  /** How each span is appended to its batch: the exporter's wire format. */
  readonly encoding: SpanEncoding;
  /** The bytes stay valid until `done` is called: their buffers then take new batches. */
  export(spans: SerializedSpans, done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/** OTEL_BSP_* as BatchSpanProcessor reads them; an unusable value keeps the default, with a diag warning. */
export function batchSettingsFromEnv(env: Env): BatchSettings {
  const read = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n > 0) return n;
    diag.warn(`${name}="${raw}" is not a positive integer; using ${fallback}`);
    return fallback;
  };
  const maxQueueSize = read('OTEL_BSP_MAX_QUEUE_SIZE', 2048);
  return {
    scheduledDelayMillis: read('OTEL_BSP_SCHEDULE_DELAY', 5000),
    // As in the SDK, a batch never exceeds the queue.
    maxExportBatchSize: Math.min(read('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512), maxQueueSize),
    maxQueueSize,
  };
}

/** Spans written in one loop (fewer when a batch is smaller). */
const SERIALIZE_RUN = 64;
/** Batch buffers kept for reuse once their export is done. */
const SPARE_BUFFERS = 4;

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

/** The spans of one resource and scope waiting for export, serialized by the exporter's encoding. */
interface OpenBatch {
  resource: Resource;
  scope: Scope;
  w: ByteBuffer;
}

/**
 * A batching span processor that serializes ended spans to OTLP bytes
 * (protobuf or JSON, as the exporter sends them) in short runs, appended to
 * their batch's buffer, instead of keeping every span object until its batch
 * is exported (as BatchSpanProcessor does).
 *
 * Why: at a few thousand requests a second a batch of 512 spans fills in a
 * fraction of a second, long enough for every span (a dozen objects with its
 * attributes, times and context) to survive a young-generation GC and be
 * copied or promoted; that GC work measured as the largest part of exporting.
 * The bytes live in one off-heap buffer per batch (ByteBuffer), which a
 * scavenge does not copy.
 *
 * Why a batch's buffer is reused once its export is done: a buffer lives as
 * long as its batch fills (a fraction of a second), so a fresh one per batch
 * outlived two scavenges and was promoted, and its 512 KB of external memory
 * stayed counted until the next full GC (V8 counts external memory toward
 * starting one). In the target app on PostgreSQL the full probes ran
 * 1.38-1.58 mark-compacts per 5 s of load against bare's 1.09-1.31 (1.00 with reuse),
 * each pausing every request in flight for about 10 ms (bench/RESULTS.md).
 * Reused, the buffers also cost no page faults.
 *
 * Why runs (SERIALIZE_RUN spans, written in one loop when the run is full)
 * rather than each span as it ends: between two spans the application runs
 * and evicts the writer's code and data (its encoded-attribute caches) from
 * the CPU caches. In the
 * target app on PostgreSQL, serializing one span at a time cost about 50 µs a
 * request within one process against about 30 in runs of 64, and full
 * probes in their own processes measured 166 µs a request above bare against
 * 198 (bench/RESULTS.md). A run fills in a few milliseconds under load, so its
 * spans still die young.
 *
 * Semantics follow BatchSpanProcessor: export when a batch is full or the
 * schedule delay passes; spans waiting, queued or in flight beyond
 * maxQueueSize are dropped (with one diag warning); export runs with tracing
 * suppressed; forceFlush() and shutdown() serialize what is waiting and wait
 * for every export in flight.
 */
export class SerializingSpanProcessor implements SpanProcessor {
  private open = new Map<Resource, Map<string, OpenBatch>>();
  private last: OpenBatch | undefined;
  /** Ended spans waiting for their run to fill. */
  private readonly waiting: ReadableSpan[] = [];
  /** Buffers of exported batches, emptied, for the next batches. */
  private readonly spare: ByteBuffer[] = [];
  private readonly run: number;
  /** Spans serialized into the open batches. */
  private queued = 0;
  private inFlightSpans = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;
  private stopped: Promise<void> | undefined;

  private readonly initialBytes: number;

  constructor(
    private readonly exporter: SerializedExporter,
    private readonly settings: BatchSettings,
  ) {
    this.initialBytes = Math.min(settings.maxExportBatchSize, 1024) * 1024;
    this.run = Math.min(SERIALIZE_RUN, settings.maxExportBatchSize);
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.stopped || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.waiting.length + this.queued + this.inFlightSpans >= this.settings.maxQueueSize) {
      if (this.dropped++ === 0) diag.warn('perflab: span queue full, dropping spans until exports catch up');
      return;
    }
    this.waiting.push(span);
    if (this.waiting.length >= this.run) this.serializeWaiting();
    if (!this.timer && this.waiting.length + this.queued > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.settings.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  forceFlush(): Promise<void> {
    this.flush();
    return Promise.all([...this.inFlight]).then(() => undefined);
  }

  shutdown(): Promise<void> {
    this.stopped ??= this.forceFlush().then(() => this.exporter.shutdown());
    return this.stopped;
  }

  /** Spans dropped because the queue was full, since start. */
  get droppedSpans(): number {
    return this.dropped;
  }

  private flush(): void {
    this.serializeWaiting();
    this.exportQueued();
  }

  /** Writes the waiting spans into their batches, exporting each batch that fills. */
  private serializeWaiting(): void {
    const spans = this.waiting;
    const max = this.settings.maxExportBatchSize;
    try {
      for (let i = 0; i < spans.length; i++) {
        const span = spans[i]!;
        const w = this.batchFor(span).w;
        const mark = w.length;
        try {
          this.exporter.encoding(w, span);
        } catch (err) {
          w.truncate(mark); // a half-written span would corrupt the whole batch
          diag.warn('perflab: a span could not be serialized', err);
          continue;
        }
        if (++this.queued >= max) this.exportQueued();
      }
    } finally {
      spans.length = 0; // never written twice, whatever happened above
    }
  }

  private batchFor(span: ReadableSpan): OpenBatch {
    const resource = span.resource;
    const scope = span.instrumentationScope;
    const last = this.last;
    if (last && last.resource === resource && last.scope === scope) return last;
    let scopes = this.open.get(resource);
    if (!scopes) this.open.set(resource, (scopes = new Map()));
    const key = scopeKey(scope);
    let batch = scopes.get(key);
    // Sized for a full batch of typical spans (about 1 KB each); it grows if needed.
    if (!batch) {
      const w = this.spare.pop() ?? new ByteBuffer(this.initialBytes);
      scopes.set(key, (batch = { resource, scope, w }));
    }
    // The last hit is kept by identity: the same scope object for every span of one tracer.
    this.last = batch.scope === scope ? batch : { ...batch, scope };
    return this.last;
  }

  private release(w: ByteBuffer): void {
    if (this.spare.length >= SPARE_BUFFERS) return;
    w.reset();
    this.spare.push(w);
  }

  private exportQueued(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queued === 0) return;
    const open = [...this.open.values()].flatMap((scopes) => [...scopes.values()]);
    const batches = open.map((b) => ({ resource: b.resource, scope: b.scope, spans: [b.w.bytes()] }));
    const count = this.queued;
    this.open = new Map();
    this.last = undefined;
    this.queued = 0;
    this.inFlightSpans += count;
    const done = new Promise<void>((resolve) => {
      let finished = false;
      const finish = (result: ExportResult): void => {
        if (finished) return; // an exporter calling back twice must not hand a buffer out twice
        finished = true;
        if (result.code !== ExportResultCode.SUCCESS) {
          diag.error(`perflab: exporting ${count} spans failed`, result.error);
        }
        // The exporter is done with the bytes: their buffers can take new batches.
        for (const b of open) this.release(b.w);
        resolve();
      };
      try {
        // The exporter's own HTTP request must not become a span.
        context.with(suppressTracing(context.active()), () =>
          this.exporter.export({ batches, count }, finish),
        );
      } catch (err) {
        finish({ code: ExportResultCode.FAILED, error: err as Error });
      }
    });
    this.inFlight.add(done);
    void done.then(() => {
      this.inFlight.delete(done);
      this.inFlightSpans -= count;
    });
  }
}
