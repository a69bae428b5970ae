import { diag } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import {
  JsonTraceSerializer,
  ProtobufTraceSerializer,
  type ISerializer,
} from '@opentelemetry/otlp-transformer';
import type { ByteBuffer } from './byte-buffer.js';
import { documentParts, spanJson, type ScopeBatch } from './otlp-json.js';
import { appendSpanProto } from './otlp-proto.js';
import { protoDocumentParts } from './otlp-proto-document.js';

const COMPONENT_TYPE = 'otlp_http_span_exporter';

/** OTLP/HTTP's two encodings; http/protobuf is the specification's default. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Appends one span to its batch's buffer, in the exporter's wire format. */
export type SpanEncoding = (w: ByteBuffer, span: ReadableSpan) => void;

/** Spans serialized shortly after they ended (see SerializingSpanProcessor). */
export interface SerializedSpans {
  batches: ScopeBatch<Buffer>[];
  count: number;
}

/**
 * OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else
 * http/protobuf. gRPC is not offered (it would need a gRPC stack in every app
 * for one transport): it and unknown values fall back to http/protobuf with a
 * diag warning, which every OTLP receiver accepts.
 */
export function otlpProtocolFromEnv(env: Record<string, string | undefined>): OtlpProtocol {
  const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim()
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const raw = env[name]?.trim();
  if (!raw || raw === 'http/protobuf') return 'http/protobuf';
  if (raw === 'http/json') return 'http/json';
  diag.warn(`${name}="${raw}" is not supported (use http/protobuf or http/json); using http/protobuf`);
  return 'http/protobuf';
}

const COMMA = Buffer.from(',');

/** The ExportTraceServiceRequest body as OTLP/JSON: the spans' bytes inside the document's own JSON. */
export function serializedJsonRequest(s: SerializedSpans): Buffer {
  return Buffer.concat(
    documentParts(s.batches).map((p) =>
      typeof p !== 'string' ? p : p === ',' ? COMMA : Buffer.from(p, 'utf8'),
    ),
  );
}

/** The ExportTraceServiceRequest body as OTLP/protobuf. */
export function serializedProtoRequest(s: SerializedSpans): Buffer {
  return Buffer.concat(protoDocumentParts(s.batches));
}

const appendSpanJson: SpanEncoding = (w, span) => {
  const json = spanJson(span); // first: a span that fails to serialize leaves no comma behind
  if (w.length > 0) w.appendUtf8(',');
  w.appendUtf8(json);
};

const WIRE: Record<
  OtlpProtocol,
  { contentType: string; encoding: SpanEncoding; serializer: ISerializer<SerializedSpans, unknown> }
> = {
  'http/protobuf': {
    contentType: 'application/x-protobuf',
    encoding: appendSpanProto,
    serializer: {
      serializeRequest: serializedProtoRequest,
      deserializeResponse: ProtobufTraceSerializer.deserializeResponse,
    },
  },
  'http/json': {
    contentType: 'application/json',
    encoding: appendSpanJson,
    serializer: {
      serializeRequest: serializedJsonRequest,
      deserializeResponse: JsonTraceSerializer.deserializeResponse,
    },
  },
};

/**
 * OpenTelemetry's OTLP/HTTP span exporter (same transport, retries and
 * OTEL_EXPORTER_OTLP_* configuration, built from the same exporter-base
 * parts), fed spans that were serialized shortly after they ended instead of span
 * objects: see SerializingSpanProcessor for why.
 */
export class SerializedOtlpExporter extends OTLPExporterBase<SerializedSpans> {
  readonly encoding: SpanEncoding;

  constructor(readonly protocol: OtlpProtocol = 'http/protobuf') {
    const wire = WIRE[protocol];
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': wire.contentType }),
        wire.serializer,
        COMPONENT_TYPE,
        { name: 'span', countItems: (s: SerializedSpans) => s.count },
        undefined,
      ),
    );
    this.encoding = wire.encoding;
  }
}
