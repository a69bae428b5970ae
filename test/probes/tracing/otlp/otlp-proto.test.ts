import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe } from 'vitest';
import { toOtlpProto } from '../../../../probes/tracing/otlp/otlp-proto-document.js';
import { reencodeTraceRequest } from '../../helpers/otlp-proto-decode.js';
import { referenceProto, serializerCases } from '../../helpers/otlp-serializer-cases.js';

// Compared byte for byte (as hex: a deep compare of a megabyte Buffer takes
// seconds): both writers emit the same fields in the same order with minimal
// varints, so equal documents are equal bytes.
describe('toOtlpProto', () => {
  serializerCases(
    (spans: ReadableSpan[]) => toOtlpProto(spans).toString('hex'),
    (spans: ReadableSpan[]) => referenceProto(spans).toString('hex'),
  );
});

// An oracle written by neither hand: protobufjs with the official
// opentelemetry-proto files reads every case and writes the same bytes back.
describe('toOtlpProto, read by protobufjs with the official .proto files', () => {
  serializerCases(
    (spans: ReadableSpan[]) => reencodeTraceRequest(toOtlpProto(spans)).toString('hex'),
    (spans: ReadableSpan[]) => referenceProto(spans).toString('hex'),
  );
});
