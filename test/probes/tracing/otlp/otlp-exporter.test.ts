import { diag, DiagLogLevel } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  otlpProtocolFromEnv,
  SerializedOtlpExporter,
} from '../../../../probes/tracing/otlp/otlp-exporter.js';
import { ByteBuffer } from '../../../../probes/tracing/otlp/byte-buffer.js';

describe('otlpProtocolFromEnv', () => {
  afterEach(() => diag.disable());

  it('defaults to http/protobuf, as the OTLP exporter specification does', () => {
    expect(otlpProtocolFromEnv({})).toBe('http/protobuf');
    expect(otlpProtocolFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: ' ' })).toBe('http/protobuf');
  });

  it('reads the traces-specific variable before the general one', () => {
    expect(otlpProtocolFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBe('http/json');
    expect(
      otlpProtocolFromEnv({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      }),
    ).toBe('http/protobuf');
  });

  it('falls back to http/protobuf for grpc or a typo, with a warning naming the variable and value', () => {
    const warn = vi.fn();
    diag.setLogger(
      { warn, error: vi.fn(), info: vi.fn(), debug: vi.fn(), verbose: vi.fn() },
      DiagLogLevel.WARN,
    );
    expect(otlpProtocolFromEnv({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })).toBe('http/protobuf');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="grpc"'));
    expect(otlpProtocolFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/jsn' })).toBe('http/protobuf');
    expect(warn).toHaveBeenLastCalledWith(expect.stringContaining('OTEL_EXPORTER_OTLP_PROTOCOL="http/jsn"'));
  });
});

describe('SerializedOtlpExporter', () => {
  it('carries the span encoding of its protocol', async () => {
    const proto = new SerializedOtlpExporter('http/protobuf');
    const json = new SerializedOtlpExporter('http/json');
    try {
      expect(proto.protocol).toBe('http/protobuf');
      expect(json.protocol).toBe('http/json');
      expect(proto.encoding).not.toBe(json.encoding);
      // Only the encoding is checked here; the bytes are in otlp-proto/otlp-json tests.
      const w = new ByteBuffer();
      expect(() => json.encoding(w, undefined as never)).toThrow();
      expect(w.length).toBe(0);
    } finally {
      await Promise.all([proto.shutdown(), json.shutdown()]);
    }
  });
});
