import { afterEach, describe, expect, it } from 'vitest';
import { spawnOtlpSink, startOtlpSink, type OtlpSink } from '../../../bench/lib/otlp-sink.js';

let sink: OtlpSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

async function exportTwice(url: string): Promise<void> {
  for (const body of [Buffer.alloc(1000, 1), Buffer.alloc(24, 2)]) {
    const res = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{}');
  }
}

// The probe benches read the received bytes as proof that spans were exported.
describe('startOtlpSink', () => {
  it('accepts every export with an empty JSON answer and counts the body bytes', async () => {
    sink = await startOtlpSink();
    await exportTwice(sink.url);
    expect(await sink.bytes()).toBe(1024);
  });
});

describe('spawnOtlpSink', () => {
  it('runs the sink in a process of its own and reads its count from there', async () => {
    sink = await spawnOtlpSink(0);
    await exportTwice(sink.url);
    expect(await sink.bytes()).toBe(1024);
    const url = sink.url;
    await sink.close();
    sink = undefined;
    await expect(fetch(`${url}/bytes`)).rejects.toThrow();
  });
});
