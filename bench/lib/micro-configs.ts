/** The configurations bench:probes-micro compares (see bench/probes-micro.ts). */
/**
 * bare: no probes; metrics: tracing off; spans: span contexts only (no
 * processor); recorded: spans recorded into a processor that drops them on
 * end (what recording costs, without serializing); full and full-json: spans
 * serialized by SerializingSpanProcessor into OTLP/protobuf or JSON bodies.
 */
export const MICRO_CONFIGS = ['bare', 'metrics', 'spans', 'recorded', 'full', 'full-json'] as const;
export type MicroConfig = (typeof MICRO_CONFIGS)[number];
