import type { Attributes, AttributeValue, HrTime, Link } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { LeanSpan } from '../lean-span.js';
import { PairCache } from './pair-cache.js';
import { unixNanos } from '../unix-nanos.js';

/*
 * OTLP/JSON for spans, written straight to a string. OpenTelemetry's own
 * JsonTraceSerializer first builds an object tree per span (attributes as
 * {key, value} objects, timestamps through BigInt) and then JSON.stringify()s
 * it: about 2.9 µs a span (1.7 µs here), the largest cost of exporting. This writes
 * the same document (test/probes/tracing/otlp/otlp-json.test.ts compares the two) with
 * JSON.stringify() only for strings and numbers, and caches each resource's
 * and scope's JSON.
 */

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;
const str = JSON.stringify;

const resourceJson = new WeakMap<Resource, string>();

/*
 * A short string needs escaping only if it holds a quote, a backslash, a
 * control character or a lone surrogate: one regex test, cheaper than hashing
 * a fresh string (names, paths, addresses) for a cache lookup. Long strings
 * (SQL text) are mostly the same string objects again, whose hash V8 keeps,
 * so their escaped JSON is memoized; the cache is cleared when full, so
 * unbounded values cannot grow it.
 */
const SHORT = 64;
// eslint-disable-next-line no-control-regex -- control characters are exactly what needs escaping
const PLAIN = /^[^\u0000-\u001f"\\\ud800-\udfff]*$/;
const MAX_CACHED = 2000;
const MAX_CACHED_LENGTH = 4096;
const quoted = new Map<string, string>();

function q(value: string): string {
  if (value.length <= SHORT) return PLAIN.test(value) ? `"${value}"` : str(value);
  let out = quoted.get(value);
  if (out === undefined) {
    out = str(value);
    if (value.length <= MAX_CACHED_LENGTH) {
      if (quoted.size >= MAX_CACHED) quoted.clear();
      quoted.set(value, out);
    }
  }
  return out;
}

/** Serialized spans (spanJson() text, or its UTF-8 bytes) of one resource and instrumentation scope. */
export interface ScopeBatch<T extends string | Uint8Array = string> {
  resource: Resource;
  scope: Scope;
  spans: T[];
}

/** The ExportTraceServiceRequest for these spans, as OTLP/JSON text. */
export function toOtlpJson(spans: readonly ReadableSpan[]): string {
  // Grouped by resource (identity), then by scope, as the OTLP document nests them.
  const groups = new Map<Resource, Map<string, ScopeBatch>>();
  for (const span of spans) {
    let scopes = groups.get(span.resource);
    if (!scopes) groups.set(span.resource, (scopes = new Map()));
    const key = scopeKey(span.instrumentationScope);
    const batch = scopes.get(key);
    if (batch) batch.spans.push(spanJson(span));
    else
      scopes.set(key, { resource: span.resource, scope: span.instrumentationScope, spans: [spanJson(span)] });
  }
  return documentParts([...groups.values()].flatMap((scopes) => [...scopes.values()])).join('');
}

/** Spans of scopes with the same key can share one ScopeSpans entry. */
export function scopeKey(s: Scope): string {
  return `${s.name}@${s.version ?? ''}:${s.schemaUrl ?? ''}`;
}

/** Batches grouped by resource (identity), in first-seen order: one ResourceSpans entry each. */
export function byResource<B extends { resource: Resource }>(batches: readonly B[]): Map<Resource, B[]> {
  const out = new Map<Resource, B[]>();
  for (const b of batches) {
    const list = out.get(b.resource);
    if (list) list.push(b);
    else out.set(b.resource, [b]);
  }
  return out;
}

/**
 * The ExportTraceServiceRequest for spans already serialized by spanJson(),
 * as a list of pieces to concatenate: the document's own JSON as strings,
 * the spans as given, comma-separated. Each batch is one ScopeSpans entry;
 * batches of the same resource (identity) share a ResourceSpans entry.
 */
export function documentParts<T extends string | Uint8Array>(
  batches: readonly ScopeBatch<T>[],
): (string | T)[] {
  const parts: (string | T)[] = [];
  let out = '{"resourceSpans":[';
  let firstResource = true;
  for (const [resource, list] of byResource(batches)) {
    if (!firstResource) out += ',';
    firstResource = false;
    let res = resourceJson.get(resource);
    if (res === undefined) {
      res = `{"attributes":${attributes(resource.attributes)},"droppedAttributesCount":0`;
      if (resource.schemaUrl) res += `,"schemaUrl":${str(resource.schemaUrl)}`;
      res += '}';
      resourceJson.set(resource, res);
    }
    out += `{"resource":${res},"scopeSpans":[`;
    for (let i = 0; i < list.length; i++) {
      const { scope, spans } = list[i]!;
      if (i > 0) out += ',';
      out += `{"scope":${scopeJson(scope)},"spans":[`;
      for (let j = 0; j < spans.length; j++) {
        parts.push(j === 0 ? out : ',', spans[j]!);
        out = '';
      }
      out += ']';
      if (scope.schemaUrl !== undefined) out += `,"schemaUrl":${str(scope.schemaUrl)}`;
      out += '}';
    }
    out += ']';
    if (resource.schemaUrl) out += `,"schemaUrl":${str(resource.schemaUrl)}`;
    out += '}';
  }
  parts.push(`${out}]}`);
  return parts;
}

function scopeJson(scope: Scope & { attributes?: Attributes; droppedAttributesCount?: number }): string {
  let out = `{"name":${str(scope.name)}`;
  if (scope.version !== undefined) out += `,"version":${str(scope.version)}`;
  if (scope.attributes && Object.keys(scope.attributes).length > 0) {
    out += `,"attributes":${attributes(scope.attributes)},"droppedAttributesCount":${scope.droppedAttributesCount ?? 0}`;
  }
  return `${out}}`;
}

/** One span as an OTLP/JSON Span object. */
export function spanJson(span: ReadableSpan): string {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext;
  let out = `{"traceId":"${ctx.traceId}","spanId":"${ctx.spanId}"`;
  if (parent?.spanId) out += `,"parentSpanId":"${parent.spanId}"`;
  const traceState = ctx.traceState?.serialize();
  if (traceState !== undefined) out += `,"traceState":${str(traceState)}`;
  out += `,"name":${q(span.name)},"kind":${span.kind + 1}`;
  if (span instanceof LeanSpan) {
    out += `,"startTimeUnixNano":"${span.startUnixNano()}","endTimeUnixNano":"${span.endUnixNano()}"`;
  } else out += `,"startTimeUnixNano":"${nanos(span.startTime)}","endTimeUnixNano":"${nanos(span.endTime)}"`;
  const keys = span instanceof LeanSpan ? span.attributeKeys : undefined;
  const attrs = keys
    ? attributeArrays(keys, (span as LeanSpan).attributeValues)
    : attributes(span.attributes);
  out += `,"attributes":${attrs},"droppedAttributesCount":${span.droppedAttributesCount}`;
  out += `,"events":${events(span.events)},"droppedEventsCount":${span.droppedEventsCount}`;
  out += `,"status":{"code":${span.status.code}`;
  if (span.status.message !== undefined) out += `,"message":${str(span.status.message)}`;
  out += `},"links":${links(span.links)},"droppedLinksCount":${span.droppedLinksCount}`;
  return `${out},"flags":${flags(ctx.traceFlags, parent?.isRemote)}}`;
}

function flags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0);
}

function nanos(t: HrTime): string {
  return unixNanos(t[0], t[1]);
}

/* The JSON of whole key-value pairs, memoized (see PairCache). */
const pairs = new PairCache<string>((key, value) => `{"key":${q(key)},"value":${anyValue(value)}}`);

function attributes(attrs: Attributes): string {
  let out = '[';
  let first = true;
  for (const key in attrs) {
    if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
    if (!first) out += ',';
    first = false;
    out += pairs.get(key, attrs[key]);
  }
  return `${out}]`;
}

function attributeArrays(keys: readonly string[], values: readonly AttributeValue[]): string {
  let out = '[';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ',';
    out += pairs.get(keys[i]!, values[i]);
  }
  return `${out}]`;
}

function anyValue(value: AttributeValue | unknown): string {
  switch (typeof value) {
    case 'string':
      return `{"stringValue":${q(value)}}`;
    case 'number':
      return Number.isInteger(value) ? `{"intValue":${value}}` : `{"doubleValue":${str(value)}}`;
    case 'boolean':
      return `{"boolValue":${value}}`;
  }
  if (value instanceof Uint8Array) return `{"bytesValue":"${Buffer.from(value).toString('base64')}"}`;
  if (Array.isArray(value)) return `{"arrayValue":{"values":[${value.map(anyValue).join(',')}]}}`;
  if (typeof value === 'object' && value !== null) {
    const kv = Object.keys(value).map(
      (k) => `{"key":${str(k)},"value":${anyValue((value as Record<string, unknown>)[k])}}`,
    );
    return `{"kvlistValue":{"values":[${kv.join(',')}]}}`;
  }
  return '{}';
}

function events(list: readonly TimedEvent[]): string {
  if (list.length === 0) return '[]';
  return `[${list
    .map(
      (e) =>
        `{"attributes":${e.attributes ? attributes(e.attributes) : '[]'},"name":${str(e.name)},"timeUnixNano":"${nanos(e.time)}","droppedAttributesCount":${e.droppedAttributesCount || 0}}`,
    )
    .join(',')}]`;
}

function links(list: readonly Link[]): string {
  if (list.length === 0) return '[]';
  return `[${list
    .map((l) => {
      let out = `{"attributes":${l.attributes ? attributes(l.attributes) : '[]'},"spanId":"${l.context.spanId}","traceId":"${l.context.traceId}"`;
      const ts = l.context.traceState?.serialize();
      if (ts !== undefined) out += `,"traceState":${str(ts)}`;
      return `${out},"droppedAttributesCount":${l.droppedAttributesCount || 0},"flags":${flags(l.context.traceFlags, l.context.isRemote)}}`;
    })
    .join(',')}]`;
}
