/**
 * The benches' OTLP sink as a process of its own (bench/lib/otlp-sink.ts,
 * spawnOtlpSink). Prints one JSON line `{"url": ...}` once listening, and
 * exits on SIGTERM.
 */
import { startOtlpSink } from './lib/otlp-sink.js';

const sink = await startOtlpSink();
process.stdout.write(`${JSON.stringify({ url: sink.url })}\n`);
process.once('SIGTERM', () => void sink.close().finally(() => process.exit(0)));
