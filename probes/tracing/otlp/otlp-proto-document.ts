import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ByteBuffer } from './byte-buffer.js';
import { byResource, type ScopeBatch } from './otlp-json.js';
import { appendSpanProto, attributes } from './otlp-proto.js';

/*
 * The OTLP/protobuf ExportTraceServiceRequest around spans that
 * appendSpanProto() wrote: the resource and scope framing, written when a
 * batch is exported (the spans themselves were written as they ended).
 */

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'] & {
  attributes?: Attributes;
  droppedAttributesCount?: number;
};

/** The ExportTraceServiceRequest for these spans, as OTLP/protobuf bytes. */
export function toOtlpProto(spans: readonly ReadableSpan[]): Buffer {
  const batches = new Map<Resource, Map<Scope, ScopeBatch<Uint8Array> & { w: ByteBuffer }>>();
  for (const span of spans) {
    let scopes = batches.get(span.resource);
    if (!scopes) batches.set(span.resource, (scopes = new Map()));
    let b = scopes.get(span.instrumentationScope);
    if (!b) {
      b = { resource: span.resource, scope: span.instrumentationScope, spans: [], w: new ByteBuffer() };
      scopes.set(span.instrumentationScope, b);
    }
    appendSpanProto(b.w, span);
  }
  const list = [...batches.values()].flatMap((scopes) =>
    [...scopes.values()].map((b) => ({ resource: b.resource, scope: b.scope, spans: [b.w.bytes()] })),
  );
  return Buffer.concat(protoDocumentParts(list));
}

/**
 * The ExportTraceServiceRequest for spans already written by
 * appendSpanProto(), as pieces to concatenate: the document's own framing
 * and the spans' bytes as given. Each batch is one ScopeSpans entry; batches
 * of the same resource (identity) share a ResourceSpans entry.
 */
export function protoDocumentParts(batches: readonly ScopeBatch<Uint8Array>[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const [resource, list] of byResource(batches)) {
    // ResourceSpans: resource (1), scope_spans (2) each, schema_url (3).
    const scopeParts: Uint8Array[] = [];
    for (const { scope, spans } of list) {
      const head = new ByteBuffer(256);
      instrumentationScope(head, scope);
      const tail = schemaUrl(scope.schemaUrl);
      const length = head.length + tail.length + spans.reduce((n, s) => n + s.length, 0);
      const tag = new ByteBuffer(8);
      tag.byte(0x12);
      tag.varint(length);
      scopeParts.push(tag.bytes(), head.bytes(), ...spans, tail.bytes());
    }
    const res = resourceBytes(resource);
    const tail = schemaUrl(resource.schemaUrl);
    const length = res.length + scopeParts.reduce((n, p) => n + p.length, 0) + tail.length;
    const head = new ByteBuffer(8);
    head.byte(0x0a); // ExportTraceServiceRequest.resource_spans
    head.varint(length);
    parts.push(head.bytes(), res, ...scopeParts, tail.bytes());
  }
  return parts;
}

/** The schema_url field (3 in both ResourceSpans and ScopeSpans), empty when unset. */
function schemaUrl(url: string | undefined): ByteBuffer {
  const w = new ByteBuffer(64);
  if (url) {
    w.byte(0x1a);
    w.string(url);
  }
  return w;
}

const resources = new WeakMap<Resource, Uint8Array>();

/** ResourceSpans.resource (tag and message), cached per resource. */
function resourceBytes(resource: Resource): Uint8Array {
  let bytes = resources.get(resource);
  if (!bytes) {
    const w = new ByteBuffer(512);
    w.byte(0x0a);
    const at = w.startLength(2);
    attributes(w, resource.attributes, 0x0a);
    w.byte(0x10); // dropped_attributes_count, always 0 as the SDK writes it
    w.varint(0);
    w.finishLength(at, 2);
    bytes = Uint8Array.from(w.bytes());
    resources.set(resource, bytes);
  }
  return bytes;
}

/** ScopeSpans.scope (tag and message). */
function instrumentationScope(w: ByteBuffer, scope: Scope): void {
  w.byte(0x0a);
  const at = w.startLength(1);
  w.byte(0x0a);
  w.string(scope.name);
  if (scope.version) {
    w.byte(0x12);
    w.string(scope.version);
  }
  if (scope.attributes) attributes(w, scope.attributes, 0x1a);
  if (scope.droppedAttributesCount) {
    w.byte(0x20);
    w.varint(scope.droppedAttributesCount);
  }
  w.finishLength(at, 1);
}
