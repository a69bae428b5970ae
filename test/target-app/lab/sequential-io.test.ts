import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type TracingHandle } from '../../../probes/index.js';
import type { LabApp } from '../../helpers/lab-app.js';

// Lean tracing into an in-memory exporter (one tracing setup per test file):
// the summary's DB spans, with their start and end times.
const exporter = new InMemorySpanExporter();
let tracing: TracingHandle;
let app: LabApp;
let token: string;

beforeAll(async () => {
  tracing = await startTracing({
    serviceName: 'target-app',
    mode: 'lean',
    context: 'explicit',
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const { startLabApp } = await import('../../helpers/lab-app.js');
  app = await startLabApp({ seed: { users: 3, orders: 40, products: 20 } });
  token = await app.login(1);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await tracing?.shutdown();
});

const nanos = (t: [number, number]): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

/** The DB spans of one summary request, as [start, end] in ns. */
async function summarySpans(): Promise<[bigint, bigint][]> {
  exporter.reset();
  const res = await app.measured('/api/users/me/summary', { token });
  expect(res.status).toBe(200);
  await tracing.forceFlush();
  const spans = exporter.getFinishedSpans();
  const server = spans.find(
    (s: ReadableSpan) => s.kind === SpanKind.SERVER && s.attributes['http.route'] === '/api/users/me/summary',
  );
  expect(server).toBeDefined();
  const db = spans.filter(
    (s) => s.kind === SpanKind.CLIENT && s.spanContext().traceId === server!.spanContext().traceId,
  );
  expect(db.length).toBe(4);
  return db.map((s) => [nanos(s.startTime as [number, number]), nanos(s.endTime as [number, number])]);
}

const overlaps = (spans: [bigint, bigint][]): boolean =>
  spans.some(([a0, a1], i) => spans.some(([b0, b1], j) => i !== j && a0 < b1 && b0 < a1));

describe('sequential_io', () => {
  it('the summary’s DB spans overlap with the flag off and line up end to end with it on', async () => {
    const off = await summarySpans();
    await app.setFlags({ sequential_io: true });
    const on = await summarySpans();
    await app.setFlags({ sequential_io: false });
    expect(overlaps(off)).toBe(true);
    expect(overlaps(on)).toBe(false);
  });
});
