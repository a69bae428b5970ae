import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink } from '../../../bench/lib/otlp-sink.js';

let sink: OtlpSink | undefined;
afterEach(() => sink?.close());

// The probe benches read the received bytes as proof that spans were exported.
describe('startOtlpSink', () => {
  it('accepts every export with an empty JSON answer and counts the body bytes', async () => {
    sink = await startOtlpSink();
    for (const body of [Buffer.alloc(1000, 1), Buffer.alloc(24, 2)]) {
      const res = await fetch(`${sink.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body,
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('{}');
    }
    expect(sink.bytes()).toBe(1024);
  });
});
