import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { PooledIdGenerator } from '../../../probes/tracing/pooled-ids.js';

describe('PooledIdGenerator', () => {
  it('makes valid, distinct W3C ids across many refills of its pool', () => {
    const ids = new PooledIdGenerator();
    const traces = new Set<string>();
    const spans = new Set<string>();
    // 20,000 of each spans about 100 hex strings and 10 calls for random bytes.
    for (let i = 0; i < 20_000; i++) {
      const t = ids.generateTraceId();
      const s = ids.generateSpanId();
      expect(isValidTraceId(t) && /^[0-9a-f]{32}$/.test(t)).toBe(true);
      expect(isValidSpanId(s) && /^[0-9a-f]{16}$/.test(s)).toBe(true);
      traces.add(t);
      spans.add(s);
    }
    expect(traces.size).toBe(20_000);
    expect(spans.size).toBe(20_000);
  });

  it('spreads its digits evenly (the bytes are random, not a counter)', () => {
    const ids = new PooledIdGenerator();
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++)
      for (const c of ids.generateTraceId()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(16);
    // 128,000 digits: 8,000 expected each; a real generator stays well within 10%.
    for (const n of counts.values()) expect(Math.abs(n - 8000)).toBeLessThan(800);
  });
});
