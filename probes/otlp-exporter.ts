import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import { TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { leanJsonTraceSerializer } from './otlp-json.js';

const COMPONENT_TYPE = 'otlp_http_span_exporter';

/**
 * OpenTelemetry's OTLP/HTTP JSON span exporter (same transport, retries and
 * OTEL_EXPORTER_OTLP_* configuration, built from the same exporter-base
 * parts) with our cheaper serializer in place of JsonTraceSerializer.
 */
export class LeanOtlpTraceExporter extends OTLPExporterBase<ReadableSpan[]> implements SpanExporter {
  constructor() {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': 'application/json' }),
        leanJsonTraceSerializer,
        COMPONENT_TYPE,
        TraceExporterMetricsHelper,
        undefined,
      ),
    );
  }
}
