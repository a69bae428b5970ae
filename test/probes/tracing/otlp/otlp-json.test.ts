import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe } from 'vitest';
import { toOtlpJson } from '../../../../probes/tracing/otlp/otlp-json.js';
import { referenceJson, serializerCases } from '../../helpers/otlp-serializer-cases.js';

// Compared after parsing: JSON's key order and spacing carry no meaning.
describe('toOtlpJson', () => {
  serializerCases((spans: ReadableSpan[]) => JSON.parse(toOtlpJson(spans)), referenceJson);
});
