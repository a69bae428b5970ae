import { performance } from 'node:perf_hooks';
import {
  diag,
  SpanStatusCode,
  type Attributes,
  type AttributeValue,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { isAttributeValue } from '@opentelemetry/core';
import type { ReadableSpan, SpanLimits, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { unixNanos } from './unix-nanos.js';
import { wallMs } from './wall-clock.js';
import { isTimeInput, limitedAttributes, msToNanos, toHrTime, toMs, truncate } from './span-values.js';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';

/** The SDK's span limits, every one given (see spanLimitsFromEnv). */
export type LeanSpanLimits = Required<SpanLimits>;

/** What every span of one tracer shares. */
export interface SpanHome {
  resource: ReadableSpan['resource'];
  instrumentationScope: ReadableSpan['instrumentationScope'];
  processors: readonly SpanProcessor[];
  /** The same limits the SDK provider's spans obey. */
  limits: LeanSpanLimits;
}

const NO_EVENTS: readonly TimedEvent[] = Object.freeze([]);
const NO_LINKS: readonly Link[] = Object.freeze([]);
/** Every span's status until setStatus() replaces it (it never changes one in place). */
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/**
 * A span with the SDK span's behaviour (attribute, event, link and status
 * rules, end-once, processors called on start and end) and its ReadableSpan
 * shape, so any SpanProcessor or exporter takes it, but cheaper to make:
 * times are kept as milliseconds and turned into HrTime only when read,
 * events and links arrays exist only once used, and there is no per-span
 * metrics bookkeeping. test/probes/tracing/lean-tracer.test.ts checks that the SDK
 * and this export the same data for the same calls.
 */
export class LeanSpan implements Span, ReadableSpan {
  /*
   * Attributes are kept as two arrays in insertion order and turned into the
   * ReadableSpan's object only when something reads `attributes`: the OTLP
   * writers walk the arrays by index, where an object built key by key per
   * span would be walked with for...in, megamorphic across span shapes.
   */
  private readonly attrKeys: string[] = [];
  private readonly attrValues: AttributeValue[] = [];
  private attrObject: Attributes | undefined;
  status: SpanStatus = UNSET;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  private eventList: TimedEvent[] | undefined;
  private linkList: Link[] | undefined;
  /** Wall-clock start (now, or the given time), in ms. */
  private readonly startMs: number;
  /** performance.now() at start; end times are start plus the monotonic elapsed time. */
  private readonly perfStart: number;
  /** Wall clock minus performance.now() at start: turns performance timestamps into wall-clock ms. */
  private readonly clockOffset: number;
  private readonly startGiven: boolean;
  private endMs = -1;
  /** A start or end given as HrTime, kept exactly (ms would round it). */
  private startHr: HrTime | undefined;
  private endHr: HrTime | undefined;

  constructor(
    private readonly home: SpanHome,
    private readonly context: SpanContext,
    public name: string,
    readonly kind: SpanKind,
    readonly parentSpanContext: SpanContext | undefined,
    startTime: TimeInput | undefined,
    links: readonly Link[] | undefined,
    /** A performance.now() reading the caller has just taken, to start at. */
    perfNow?: number,
  ) {
    this.perfStart = perfNow ?? performance.now();
    const now = wallMs(this.perfStart);
    this.clockOffset = now - this.perfStart;
    this.startGiven = startTime != null;
    this.startMs = startTime == null ? now : toMs(startTime, this.clockOffset);
    if (Array.isArray(startTime)) this.startHr = startTime as HrTime;
    if (links) for (const link of links) this.addLink(link);
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value?: AttributeValue): this {
    if (value == null || this.endMs >= 0) return this;
    if (key.length === 0) {
      diag.warn(`Invalid attribute key: ${key}`);
      return this;
    }
    // Strings, numbers and booleans pass at once; anything else (arrays, and
    // bigint, function, symbol or object values, which the SDK refuses) is checked.
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean' && !isAttributeValue(value)) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      return this;
    }
    const keys = this.attrKeys;
    let i = 0;
    while (i < keys.length && keys[i] !== key) i++;
    if (i === keys.length && i >= this.home.limits.attributeCountLimit) {
      this.droppedAttributesCount++;
      return this;
    }
    const v = truncate(value, this.home.limits.attributeValueLengthLimit);
    keys[i] = key;
    this.attrValues[i] = v;
    if (this.attrObject) this.attrObject[key] = v;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      if (Object.prototype.hasOwnProperty.call(attributes, key)) this.setAttribute(key, attributes[key]);
    }
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.endMs >= 0) return this;
    const limits = this.home.limits;
    if (limits.eventCountLimit === 0) {
      diag.warn('No events allowed.');
      this.droppedEventsCount++;
      return this;
    }
    const events = (this.eventList ??= []);
    if (events.length >= limits.eventCountLimit) {
      if (this.droppedEventsCount === 0) diag.debug('Dropping extra events.');
      events.shift();
      this.droppedEventsCount++;
    }
    let attributes: Attributes | undefined;
    if (isTimeInput(attributesOrTime)) {
      if (!isTimeInput(time)) time = attributesOrTime;
    } else attributes = attributesOrTime;
    const { kept, dropped } = limitedAttributes(
      attributes,
      limits.attributePerEventCountLimit,
      limits.attributeValueLengthLimit,
    );
    const at = Array.isArray(time) ? (time as HrTime) : toHrTime(this.timeOf(time));
    events.push({ name, attributes: kept, time: at, droppedAttributesCount: dropped });
    return this;
  }

  addLink(link: Link): this {
    if (this.endMs >= 0) return this;
    const limits = this.home.limits;
    if (limits.linkCountLimit === 0) {
      this.droppedLinksCount++;
      return this;
    }
    const links = (this.linkList ??= []);
    if (links.length >= limits.linkCountLimit) {
      if (this.droppedLinksCount === 0) diag.debug('Dropping extra links.');
      links.shift();
      this.droppedLinksCount++;
    }
    const entry: Link = { context: link.context };
    const { kept, dropped } = limitedAttributes(
      link.attributes,
      limits.attributePerLinkCountLimit,
      limits.attributeValueLengthLimit,
    );
    if (Object.keys(kept).length > 0) entry.attributes = kept;
    if (dropped > 0) entry.droppedAttributesCount = dropped;
    links.push(entry);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.endMs >= 0 || status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) {
      return this;
    }
    const next: SpanStatus = { code: status.code };
    if (status.code === SpanStatusCode.ERROR && typeof status.message === 'string')
      next.message = status.message;
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (this.endMs < 0) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.endMs >= 0) {
      diag.error(
        `${this.name} ${this.context.traceId}-${this.context.spanId} - You can only call end() on a span once.`,
      );
      return;
    }
    this.finish(this.timeOf(endTime), Array.isArray(endTime) ? (endTime as HrTime) : undefined);
  }

  /**
   * end() at a performance.now() reading the caller has just taken (the
   * probes' own spans, which read it for their histograms): one clock read
   * fewer. Same result as end() at that moment.
   */
  endAt(perf: number): void {
    if (this.endMs >= 0 || this.startGiven) return this.end();
    this.finish(this.startMs + (perf - this.perfStart), undefined);
  }

  private finish(end: number, endHr: HrTime | undefined): void {
    if (end < this.startMs) {
      diag.warn('Inconsistent start and end time, startTime > endTime. Setting span duration to 0ms.');
      this.endMs = this.startMs;
      this.endHr = this.startHr;
    } else {
      this.endMs = end;
      this.endHr = endHr;
    }
    if (this.droppedEventsCount > 0)
      diag.warn(`Dropped ${this.droppedEventsCount} events because eventCountLimit reached`);
    if (this.droppedLinksCount > 0)
      diag.warn(`Dropped ${this.droppedLinksCount} links because linkCountLimit reached`);
    const processors = this.home.processors;
    for (let i = 0; i < processors.length; i++) {
      const p = processors[i]!;
      if (!p.onEnding) continue;
      try {
        p.onEnding(this);
      } catch (err) {
        diag.error('perflab: a span processor failed on ending', err);
      }
    }
    for (let i = 0; i < processors.length; i++) {
      try {
        processors[i]!.onEnd(this);
      } catch (err) {
        diag.error('perflab: a span processor failed on end', err);
      }
    }
  }

  isRecording(): boolean {
    return this.endMs < 0;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes[ATTR_EXCEPTION_MESSAGE] = exception;
    else if (exception) {
      if (exception.code) attributes[ATTR_EXCEPTION_TYPE] = exception.code.toString();
      else if (exception.name) attributes[ATTR_EXCEPTION_TYPE] = exception.name;
      if (exception.message) attributes[ATTR_EXCEPTION_MESSAGE] = exception.message;
      if (exception.stack) attributes[ATTR_EXCEPTION_STACKTRACE] = exception.stack;
    }
    if (attributes[ATTR_EXCEPTION_TYPE] || attributes[ATTR_EXCEPTION_MESSAGE]) {
      this.addEvent('exception', attributes, time);
    } else diag.warn(`Failed to record an exception ${String(exception)}`);
  }

  // ReadableSpan, computed when read.
  get attributes(): Attributes {
    if (!this.attrObject) {
      const o: Attributes = {};
      for (let i = 0; i < this.attrKeys.length; i++) o[this.attrKeys[i]!] = this.attrValues[i];
      this.attrObject = o;
    }
    return this.attrObject;
  }
  get startTime(): HrTime {
    return this.startHr ?? toHrTime(this.startMs);
  }
  get endTime(): HrTime {
    return this.endMs < 0 ? [0, 0] : (this.endHr ?? toHrTime(this.endMs));
  }
  get duration(): HrTime {
    if (this.endMs < 0) return [-1, -1];
    const [s0, n0] = this.startTime;
    const [s1, n1] = this.endTime;
    let s = s1 - s0;
    let n = n1 - n0;
    if (n < 0) {
      s -= 1;
      n += 1e9;
    }
    return [s, n];
  }
  /**
   * Start and end as wall-clock ms for serializers, without HrTime arrays;
   * NaN where the time was given as an HrTime (use startTime/endTime, exact)
   * or the span has not ended.
   */
  get startMillis(): number {
    return this.startHr ? NaN : this.startMs;
  }
  get endMillis(): number {
    return this.endHr || this.endMs < 0 ? NaN : this.endMs;
  }
  /** startTime as OTLP's decimal nanoseconds, without an HrTime array (the serializer's path). */
  startUnixNano(): string {
    return this.startHr ? unixNanos(this.startHr[0], this.startHr[1]) : msToNanos(this.startMs);
  }
  endUnixNano(): string {
    if (this.endMs < 0) return '0';
    return this.endHr ? unixNanos(this.endHr[0], this.endHr[1]) : msToNanos(this.endMs);
  }
  /**
   * The attribute keys in insertion order (values in attributeValues), for
   * serializers; undefined once `attributes` has been read, since whoever read
   * it may have changed that object.
   */
  get attributeKeys(): readonly string[] | undefined {
    return this.attrObject ? undefined : this.attrKeys;
  }
  get attributeValues(): readonly AttributeValue[] {
    return this.attrValues;
  }
  get ended(): boolean {
    return this.endMs >= 0;
  }
  get events(): TimedEvent[] {
    return (this.eventList ?? NO_EVENTS) as TimedEvent[];
  }
  get links(): Link[] {
    return (this.linkList ?? NO_LINKS) as Link[];
  }
  get resource(): ReadableSpan['resource'] {
    return this.home.resource;
  }
  get instrumentationScope(): ReadableSpan['instrumentationScope'] {
    return this.home.instrumentationScope;
  }

  /** A time given to addEvent() or end(), or now, as wall-clock ms. */
  private timeOf(input: TimeInput | undefined): number {
    if (input != null) return toMs(input, this.clockOffset);
    // Without a given start, elapsed monotonic time is added to the start, as the SDK does.
    if (this.startGiven) return Date.now();
    return this.startMs + (performance.now() - this.perfStart);
  }
}

/** span.end() at the performance.now() reading `perf` the caller has just taken. */
export function endSpan(span: Span, perf: number): void {
  if (span instanceof LeanSpan) span.endAt(perf);
  else span.end(wallMs(perf));
}
