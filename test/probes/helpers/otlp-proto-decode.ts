import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * A test-only reader of OTLP/protobuf trace exports: protobufjs with the
 * official opentelemetry-proto definitions (vendored, with their licence, in
 * test/probes/fixtures/opentelemetry-proto), so what reads the probes' bytes
 * shares nothing with what writes them. It turns an ExportTraceServiceRequest
 * into the shape of the same request in OTLP/JSON (64-bit integers as decimal
 * strings, enums as numbers, ids as hex), so receivers and assertions handle
 * both encodings alike.
 */
const PROTO_DIR = fileURLToPath(new URL('../fixtures/opentelemetry-proto/', import.meta.url));

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => PROTO_DIR + target;
root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', { keepCase: false });
const ExportTraceServiceRequest = root.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
);

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** An OTLP/protobuf ExportTraceServiceRequest as the equivalent OTLP/JSON object. */
export function decodeTraceRequest(body: Uint8Array): { resourceSpans: Array<Record<string, unknown>> } {
  const message = ExportTraceServiceRequest.decode(body);
  const object = ExportTraceServiceRequest.toObject(message, {
    longs: String,
    enums: Number,
    bytes: Array,
    arrays: true,
  });
  return hexIds(object) as { resourceSpans: Array<Record<string, unknown>> };
}

/** OTLP/JSON writes trace and span ids as hex, where protobuf's JSON mapping would use base64. */
function hexIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIds);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      ID_FIELDS.has(key) && Array.isArray(v) ? Buffer.from(v as number[]).toString('hex') : hexIds(v);
  }
  return out;
}

/** Decodes with the official definitions and encodes the message again: equal bytes mean nothing was lost or invented. */
export function reencodeTraceRequest(body: Uint8Array): Buffer {
  return Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.decode(body)).finish());
}
