import {
  context as api,
  diag,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  SamplingDecision,
  SpanKind,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type IdGenerator,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { LeanSpan, type LeanSpanLimits, type SpanHome } from './lean-span.js';
import { PooledIdGenerator } from './pooled-ids.js';
import { wallMs } from './wall-clock.js';

export interface LeanTracerConfig extends Omit<SpanHome, 'limits'> {
  sampler: Sampler;
  idGenerator?: IdGenerator;
  /** The SDK's defaults (128 of each, no value length limit) for any not given. */
  limits?: Partial<LeanSpanLimits>;
}

/** The SDK's default span limits. */
export const DEFAULT_SPAN_LIMITS: Readonly<LeanSpanLimits> = Object.freeze({
  attributeCountLimit: 128,
  attributeValueLengthLimit: Infinity,
  linkCountLimit: 128,
  eventCountLimit: 128,
  attributePerEventCountLimit: 128,
  attributePerLinkCountLimit: 128,
});

/**
 * The span limits from the environment, as the SDK reads them
 * (OTEL_SPAN_* first, then OTEL_ATTRIBUTE_* for the two attribute limits).
 * startTracing gives the same object to the SDK provider and to LeanTracer,
 * so spans made through trace.getTracer() obey the probes' limits.
 */
export function spanLimitsFromEnv(env: Record<string, string | undefined>): LeanSpanLimits {
  const n = (name: string): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const v = Number(raw);
    return Number.isNaN(v) ? undefined : v;
  };
  const d = DEFAULT_SPAN_LIMITS;
  return {
    attributeCountLimit:
      n('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? n('OTEL_ATTRIBUTE_COUNT_LIMIT') ?? d.attributeCountLimit,
    attributeValueLengthLimit:
      n('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      n('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      d.attributeValueLengthLimit,
    linkCountLimit: n('OTEL_SPAN_LINK_COUNT_LIMIT') ?? d.linkCountLimit,
    eventCountLimit: n('OTEL_SPAN_EVENT_COUNT_LIMIT') ?? d.eventCountLimit,
    attributePerEventCountLimit:
      n('OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT') ?? d.attributePerEventCountLimit,
    attributePerLinkCountLimit: n('OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT') ?? d.attributePerLinkCountLimit,
  };
}

/**
 * The tracer the probes make their own spans with in `lean` mode: the SDK
 * Tracer's rules (suppressed tracing, root option, parent continuation,
 * sampler, trace state, non-recording spans for NOT_RECORD) feeding the same
 * span processors as the SDK provider, but making LeanSpans and skipping the
 * SDK's per-span metrics and attribute sanitizing passes. With no span
 * processor at all it records nothing: spans carry their (sampled) context only.
 */
export class LeanTracer implements Tracer {
  private readonly home: SpanHome;
  private readonly sampler: Sampler;
  private readonly ids: IdGenerator;

  constructor(c: LeanTracerConfig) {
    this.home = {
      resource: c.resource,
      instrumentationScope: c.instrumentationScope,
      processors: c.processors,
      limits: { ...DEFAULT_SPAN_LIMITS, ...c.limits },
    };
    this.sampler = c.sampler;
    this.ids = c.idGenerator ?? new PooledIdGenerator();
  }

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = api.active()): Span {
    return this.startSpanAt(name, options, ctx, undefined);
  }

  /**
   * startSpan() at a performance.now() reading the caller has just taken (the
   * probes read it for their histograms anyway): one clock read fewer.
   */
  startSpanAt(name: string, options: SpanOptions, ctx: Context, perfNow: number | undefined): Span {
    if (options.root) ctx = trace.deleteSpan(ctx);
    if (isTracingSuppressed(ctx)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const parent = trace.getSpanContext(ctx);
    // Our own span contexts are valid by construction: skip the id regexes.
    const valid = parent instanceof LeanSpanContext || (parent !== undefined && isSpanContextValid(parent));
    const spanId = this.ids.generateSpanId();
    const traceId = valid ? parent.traceId : this.ids.generateTraceId();
    const kind = options.kind ?? SpanKind.INTERNAL;
    const attributes = options.attributes;
    const result = this.sampler.shouldSample(
      ctx,
      traceId,
      name,
      kind,
      attributes ?? NO_ATTRIBUTES,
      options.links ?? (NO_LINKS as Link[]),
    );
    const spanContext = new LeanSpanContext(
      traceId,
      spanId,
      result.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
      result.traceState ?? (valid ? parent.traceState : undefined),
    );
    // With no processor (no exporter configured), a recorded span would go
    // nowhere: the span context alone serves exemplars, log correlation and
    // propagation, so the span is not recorded (attributes are then not built).
    if (result.decision === SamplingDecision.NOT_RECORD || this.home.processors.length === 0) {
      return trace.wrapSpanContext(spanContext);
    }
    const span = new LeanSpan(
      this.home,
      spanContext,
      name,
      kind,
      valid ? parent : undefined,
      options.startTime,
      options.links,
      perfNow,
    );
    if (attributes) span.setAttributes(attributes);
    if (result.attributes) span.setAttributes(result.attributes);
    const processors = this.home.processors;
    for (let i = 0; i < processors.length; i++) {
      // A failing processor must not keep the span from the others, nor throw into the app.
      try {
        processors[i]!.onStart(span as never, ctx);
      } catch (err) {
        diag.error('perflab: a span processor failed on start', err);
      }
    }
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    a?: SpanOptions | F,
    b?: Context | F,
    c?: F,
  ): ReturnType<F> {
    const fn = (c ?? (typeof b === 'function' ? b : a)) as F;
    const options = typeof a === 'object' ? a : undefined;
    const parent = typeof b === 'object' ? b : api.active();
    const span = this.startSpan(name, options, parent);
    return api.with(trace.setSpan(parent, span), fn as (s: Span) => ReturnType<F>, undefined, span);
  }
}

// Shared defaults for samplers, which only read them: two objects fewer a span.
const NO_ATTRIBUTES: Readonly<Attributes> = Object.freeze({});
const NO_LINKS: readonly Link[] = Object.freeze([]);

/**
 * tracer.startSpan() at the reading `perfNow`: any other tracer (the SDK's)
 * is given it as the start time, so both pipelines time spans from the same
 * clock reading.
 */
export function startSpanAt(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  ctx: Context,
  perfNow: number,
): Span {
  return tracer instanceof LeanTracer
    ? tracer.startSpanAt(name, options, ctx, perfNow)
    : tracer.startSpan(name, { ...options, startTime: wallMs(perfNow) }, ctx);
}

/** A span context this tracer made: its ids came from the generator or a valid parent. */
class LeanSpanContext implements SpanContext {
  constructor(
    readonly traceId: string,
    readonly spanId: string,
    readonly traceFlags: number,
    readonly traceState: SpanContext['traceState'],
  ) {}
}

type Env = Record<string, string | undefined>;

/**
 * The sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG name, as the
 * SDK builds it (default parentbased_always_on; an unknown name or a ratio
 * outside [0, 1] falls back with a warning, as there).
 */
export function samplerFromEnv(env: Env, warn: (message: string) => void): Sampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim() || 'parentbased_always_on';
  const ratio = (): number => {
    const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim();
    const n = raw ? Number(raw) : 1;
    if (!raw || Number.isNaN(n) || n < 0 || n > 1) {
      if (raw) warn(`OTEL_TRACES_SAMPLER_ARG="${raw}" is not a ratio in [0, 1]; using 1`);
      return 1;
    }
    return n;
  };
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    default:
      warn(`OTEL_TRACES_SAMPLER="${name}" is not supported; using parentbased_always_on`);
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
