import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import { JsonTraceSerializer, type ISerializer } from '@opentelemetry/otlp-transformer';
import { documentParts, type ScopeBatch } from './otlp-json.js';

const COMPONENT_TYPE = 'otlp_http_span_exporter';

/** Spans serialized to UTF-8 when they ended (see SerializingSpanProcessor). */
export interface SerializedSpans {
  batches: ScopeBatch<Buffer>[];
  count: number;
}

const COMMA = Buffer.from(',');

/** The ExportTraceServiceRequest body: the spans' bytes inside the document's own JSON. */
export function serializedRequest(s: SerializedSpans): Buffer {
  return Buffer.concat(
    documentParts(s.batches).map((p) =>
      typeof p !== 'string' ? p : p === ',' ? COMMA : Buffer.from(p, 'utf8'),
    ),
  );
}

const serializer: ISerializer<SerializedSpans, unknown> = {
  serializeRequest: serializedRequest,
  deserializeResponse: JsonTraceSerializer.deserializeResponse,
};

/**
 * OpenTelemetry's OTLP/HTTP JSON span exporter (same transport, retries and
 * OTEL_EXPORTER_OTLP_* configuration, built from the same exporter-base
 * parts), fed spans that were serialized when they ended instead of span
 * objects: see SerializingSpanProcessor for why.
 */
export class SerializedOtlpExporter extends OTLPExporterBase<SerializedSpans> {
  constructor() {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': 'application/json' }),
        serializer,
        COMPONENT_TYPE,
        { name: 'span', countItems: (s: SerializedSpans) => s.count },
        undefined,
      ),
    );
  }
}
