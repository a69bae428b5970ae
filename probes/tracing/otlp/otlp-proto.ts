import type { Attributes, HrTime, Link } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { ByteBuffer, hexByte } from './byte-buffer.js';
import { LeanSpan } from '../lean-span.js';
import { AttributeBlocks } from './attribute-blocks.js';
import { PairCache } from './pair-cache.js';

/*
 * OTLP/protobuf for spans, written straight into the batch's ByteBuffer as
 * each span ends. The bytes are exactly those of OpenTelemetry's
 * ProtobufTraceSerializer (same fields, same order, same defaults;
 * test/probes/tracing/otlp/otlp-proto.test.ts compares them), which the collector, Jaeger
 * and Tempo accept as OTLP/HTTP's default protocol. Against OTLP/JSON a span
 * is about half the bytes: ids are raw bytes instead of hex, times fixed64
 * instead of decimal strings, and field names are one-byte tags.
 *
 * Field numbers, from opentelemetry/proto/trace/v1/trace.proto: a tag byte is
 * (field << 3) | wire type, where 0 is a varint, 1 fixed64, 2 length-delimited
 * and 5 fixed32.
 */
const SPAN = 0x12; // ScopeSpans.spans
const TRACE_ID = 0x0a;
const SPAN_ID = 0x12;
const TRACE_STATE = 0x1a;
const PARENT_SPAN_ID = 0x22;
const NAME = 0x2a;
const KIND = 0x30;
const START = 0x39;
const END = 0x41;
const ATTRIBUTE = 0x4a;
const DROPPED_ATTRIBUTES = 0x50;
const EVENT = 0x5a;
const DROPPED_EVENTS = 0x60;
const LINK = 0x6a;
const DROPPED_LINKS = 0x70;
const STATUS = 0x7a;
const FLAGS = [0x85, 0x01]; // field 16, fixed32: a two-byte tag

/**
 * What a span with nothing dropped, no events, no links and an unset status
 * has between its attributes and its flags, as appendSpanProto writes those
 * fields: three zero counts and a Status holding code 0.
 */
const PLAIN_TAIL = Uint8Array.from([
  DROPPED_ATTRIBUTES,
  0,
  DROPPED_EVENTS,
  0,
  DROPPED_LINKS,
  0,
  STATUS,
  2,
  0x18,
  0,
]);

const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/** Each attribute's KeyValue message with its length prefix (the tag differs by where it sits). */
const pairs = new PairCache<Uint8Array>((key, value) => {
  const w = new ByteBuffer(64);
  const at = w.startLength(1);
  keyValue(w, key, value);
  w.finishLength(at, 1);
  return Uint8Array.from(w.bytes());
});

/** Whole runs of those pairs as spans of one name last wrote them (see AttributeBlocks). */
const blocks = new AttributeBlocks(pairs, ATTRIBUTE);

/**
 * Appends one span as a ScopeSpans.spans entry (its tag, length and Span
 * message). A batch's buffer is these entries back to back.
 */
export function appendSpanProto(w: ByteBuffer, span: ReadableSpan): void {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext;
  w.byte(SPAN);
  // Most spans are 128 bytes to 16 KB: two bytes of length.
  const at = w.startLength(2);
  w.byte(TRACE_ID);
  traceId(w, ctx.traceId);
  w.byte(SPAN_ID);
  w.hex(ctx.spanId);
  const traceState = ctx.traceState?.serialize();
  if (traceState) {
    w.byte(TRACE_STATE);
    w.string(traceState);
  }
  if (parent?.spanId) {
    w.byte(PARENT_SPAN_ID);
    w.hex(parent.spanId);
  }
  const lean = span instanceof LeanSpan ? span : undefined;
  // Spans of one name (a route, a statement) share their name's encoding and attributes' block.
  const block = lean ? blocks.forName(span.name) : undefined;
  w.byte(NAME);
  if (block) block.writeName(w);
  else w.string(span.name);
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    w.byte(KIND);
    w.varint(kind);
  }
  w.byte(START);
  const startMs = lean ? lean.startMillis : NaN;
  if (startMs === startMs) fixed64Ms(w, startMs);
  else fixed64Time(w, span.startTime);
  w.byte(END);
  const endMs = lean ? lean.endMillis : NaN;
  if (endMs === endMs) fixed64Ms(w, endMs);
  else fixed64Time(w, span.endTime);
  const keys = lean?.attributeKeys;
  if (block && keys) block.write(w, keys, lean!.attributeValues);
  else attributes(w, span.attributes, ATTRIBUTE);
  const events = span.events;
  const links = span.links;
  const status = span.status;
  if (
    events.length === 0 &&
    links.length === 0 &&
    span.droppedAttributesCount === 0 &&
    span.droppedEventsCount === 0 &&
    span.droppedLinksCount === 0 &&
    status.code === 0 &&
    !status.message
  ) {
    w.raw(PLAIN_TAIL); // most spans: the same bytes up to the flags
  } else {
    w.byte(DROPPED_ATTRIBUTES);
    w.varint(span.droppedAttributesCount);
    for (const e of events) event(w, e);
    w.byte(DROPPED_EVENTS);
    w.varint(span.droppedEventsCount);
    for (const l of links) link(w, l);
    w.byte(DROPPED_LINKS);
    w.varint(span.droppedLinksCount);
    w.byte(STATUS);
    const statusAt = w.startLength(1);
    if (status.message) {
      w.byte(0x12);
      w.string(status.message);
    }
    w.byte(0x18);
    w.varint(status.code);
    w.finishLength(statusAt, 1);
  }
  flags(w, ctx.traceFlags, parent?.isRemote);
  w.finishLength(at, 2);
}

/** Attributes as `tag`-tagged KeyValue messages (the pair cache's encodings), in key order. */
export function attributes(w: ByteBuffer, attrs: Attributes, tag: number): void {
  for (const key in attrs) {
    if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
    w.byte(tag);
    w.raw(pairs.get(key, attrs[key]));
  }
}

/** A KeyValue message's fields: key (1), value (2, an AnyValue). */
function keyValue(w: ByteBuffer, key: string, value: unknown): void {
  w.byte(0x0a);
  w.string(key);
  w.byte(0x12);
  const at = w.startLength(1);
  anyValue(w, value);
  w.finishLength(at, 1);
}

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

/** An AnyValue message's fields, as the SDK's serializer writes them (other types write nothing). */
function anyValue(w: ByteBuffer, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.byte(0x0a);
      w.string(value);
      return;
    case 'boolean':
      w.byte(0x10);
      w.varint(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        w.byte(0x18);
        w.varint(value);
      } else {
        w.byte(0x21);
        w.double(value);
      }
      return;
  }
  if (value instanceof Uint8Array) {
    w.byte(0x3a);
    w.bytesField(value);
  } else if (Array.isArray(value)) {
    w.byte(0x2a);
    const at = w.startLength(1);
    for (const item of value as unknown[]) {
      w.byte(0x0a);
      const item0 = w.startLength(1);
      anyValue(w, item);
      w.finishLength(item0, 1);
    }
    w.finishLength(at, 1);
  } else if (typeof value === 'object' && value !== null) {
    w.byte(0x32);
    const at = w.startLength(1);
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      w.byte(0x0a);
      const kv = w.startLength(1);
      keyValue(w, k, (value as Record<string, unknown>)[k]);
      w.finishLength(kv, 1);
    }
    w.finishLength(at, 1);
  }
}

function event(w: ByteBuffer, e: TimedEvent): void {
  w.byte(EVENT);
  const at = w.startLength(1);
  w.byte(0x09);
  fixed64Time(w, e.time);
  w.byte(0x12);
  w.string(e.name);
  if (e.attributes) attributes(w, e.attributes, 0x1a);
  w.byte(0x20);
  w.varint(e.droppedAttributesCount || 0);
  w.finishLength(at, 1);
}

function link(w: ByteBuffer, l: Link): void {
  w.byte(LINK);
  const at = w.startLength(1);
  w.byte(0x0a);
  w.hex(l.context.traceId);
  w.byte(0x12);
  w.hex(l.context.spanId);
  const traceState = l.context.traceState?.serialize();
  if (traceState) {
    w.byte(0x1a);
    w.string(traceState);
  }
  if (l.attributes) attributes(w, l.attributes, 0x22);
  w.byte(0x28);
  w.varint(l.droppedAttributesCount || 0);
  w.byte(0x35); // flags, fixed32
  w.fixed32((l.context.traceFlags & 0xff) | HAS_IS_REMOTE | (l.context.isRemote ? IS_REMOTE : 0));
  w.finishLength(at, 1);
}

/*
 * A request's spans share one trace id string (children copy the parent's),
 * and end one after another: the last one's bytes (length and 16 bytes) are
 * kept, decoded in place.
 */
let lastTraceId = '';
const lastTraceIdBytes = new Uint8Array(17);

function traceId(w: ByteBuffer, id: string): void {
  if (id.length !== 32) {
    w.hex(id); // not a W3C id: written as it is, uncached
    return;
  }
  if (id !== lastTraceId) {
    lastTraceIdBytes[0] = 16;
    for (let i = 0; i < 16; i++) lastTraceIdBytes[i + 1] = hexByte(id, 2 * i);
    lastTraceId = id;
  }
  w.raw(lastTraceIdBytes);
}

function flags(w: ByteBuffer, traceFlags: number, isRemote: boolean | undefined): void {
  w.byte(FLAGS[0]!);
  w.byte(FLAGS[1]!);
  w.fixed32((traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0));
}

/** An HrTime as fixed64 nanoseconds since the epoch. */
function fixed64Time(w: ByteBuffer, t: HrTime): void {
  fixed64Parts(w, t[0], t[1]);
}

/** Wall-clock ms as fixed64 nanoseconds, rounded as the SDK's millisToHrTime() rounds them. */
function fixed64Ms(w: ByteBuffer, ms: number): void {
  const seconds = Math.trunc(ms / 1e3);
  const nanos = Math.round((ms % 1e3) * 1e6);
  if (nanos >= 1e9) fixed64Parts(w, seconds + 1, nanos - 1e9);
  else fixed64Parts(w, seconds, nanos);
}

/**
 * Seconds and nanoseconds as fixed64 nanoseconds since the epoch, exactly,
 * without BigInt: seconds * 1e9 is split so every product stays below 2^53.
 */
function fixed64Parts(w: ByteBuffer, seconds: number, nanos: number): void {
  const lowSeconds = seconds & 0xffff;
  const highSeconds = (seconds / 0x10000) >>> 0;
  const fromLow = lowSeconds * 1e9; // < 2^53
  const fromHigh = highSeconds * 1e9; // < 2^53, shifted left 16 bits below
  const low = (fromLow >>> 0) + (((fromHigh & 0xffff) * 0x10000) >>> 0) + nanos;
  const high =
    Math.floor(fromLow / 0x100000000) + ((fromHigh / 0x10000) >>> 0) + Math.floor(low / 0x100000000);
  w.fixed64(low >>> 0, high >>> 0);
}
