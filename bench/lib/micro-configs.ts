/** The configurations bench:probes-micro compares (see bench/probes-micro.ts). */
/**
 * bare: no probes; metrics: tracing off; spans: span contexts only (no
 * processor); recorded: spans recorded into a processor that drops them on
 * end (what recording costs, without serializing); full and full-json: spans
 * serialized by SerializingSpanProcessor into OTLP/protobuf or JSON bodies.
 * sdk-recorded, sdk-full and sdk-full-json: the same on the stock pipeline
 * (PERFLAB_TRACER=sdk): the SDK's tracer, BatchSpanProcessor and the official
 * OTLP serializers (ProtobufTraceSerializer, JsonTraceSerializer).
 */
export const MICRO_CONFIGS = [
  'bare',
  'metrics',
  'spans',
  'recorded',
  'full',
  'full-json',
  'sdk-recorded',
  'sdk-full',
  'sdk-full-json',
] as const;
export type MicroConfig = (typeof MICRO_CONFIGS)[number];
