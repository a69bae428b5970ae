import { describe, expect, it } from 'vitest';
import {
  histogramQuantile,
  quantileBucket,
  serverFigures,
  updatePeaks,
} from '../../../loadtests/server-metrics/server-figures.js';
import type { Sample } from '../../../loadtests/server-metrics/parse-prometheus.js';

const bucket = (route: string, le: string, value: number, status = '200'): Sample => ({
  name: 'http_server_request_duration_seconds_bucket',
  labels: { http_request_method: 'GET', http_route: route, http_response_status_code: status, le },
  value,
});

describe('histogramQuantile', () => {
  it('interpolates linearly inside the bucket, like Prometheus', () => {
    const b = [
      { le: 0.1, count: 50 },
      { le: 0.2, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(0.5, b)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.75, b)).toBeCloseTo(0.15);
    expect(histogramQuantile(0.5, [{ le: Infinity, count: 0 }])).toBeNull();
  });

  it('answers the highest finite bound when the rank falls in +Inf', () => {
    expect(
      histogramQuantile(0.99, [
        { le: 1, count: 1 },
        { le: Infinity, count: 10 },
      ]),
    ).toBe(1);
  });
});

describe('quantileBucket', () => {
  it('names the bucket holding the rank, and the last bound when the rank is past it', () => {
    const b = [
      { le: 0.005, count: 10 },
      { le: 0.01, count: 90 },
      { le: Infinity, count: 100 },
    ];
    expect(quantileBucket(0.05, b)).toEqual({ gt: 0, le: 0.005 });
    expect(quantileBucket(0.5, b)).toEqual({ gt: 0.005, le: 0.01 });
    expect(quantileBucket(0.99, b)).toEqual({ gt: 0.01, le: null });
    expect(quantileBucket(0.5, [{ le: Infinity, count: 0 }])).toBeNull();
  });
});

describe('serverFigures', () => {
  it('uses the deltas between the first and last scrape, summed over status codes', () => {
    const cpu = (value: number): Sample => ({ name: 'process_cpu_seconds_total', labels: {}, value });
    const first = [bucket('/a', '0.1', 100), bucket('/a', '0.2', 100), bucket('/a', '+Inf', 100), cpu(5)];
    const last = [
      bucket('/a', '0.1', 150),
      bucket('/a', '0.2', 200),
      bucket('/a', '+Inf', 200),
      // A series born during the run counts from zero.
      bucket('/a', '0.1', 0, '500'),
      bucket('/a', '0.2', 40, '500'),
      bucket('/a', '+Inf', 40, '500'),
      cpu(7.5),
      { name: 'perflab_db_client_slow_queries_total', labels: { db: 'x' }, value: 4 },
    ];
    const f = serverFigures(first, last, { eventLoopLagP99: 0.012, heap: 1e6, rss: 5e7 }, 3);
    expect(f.requests).toBe(140);
    expect(f.routes?.['GET /a']?.requests).toBe(140);
    // Deltas: ≤0.1 s: 50, ≤0.2 s: 140; rank 70 → 0.1 + 0.1 × 20/90 s.
    expect(f.routes?.['GET /a']?.p50).toBeCloseTo(122.2, 1);
    // What the histogram really knows: p50 in (100, 200] ms; p99 too (140 ≤ 0.2 s of 140).
    expect(f.routes?.['GET /a']?.buckets).toEqual({
      p50: { gt: 100, le: 200 },
      p95: { gt: 100, le: 200 },
      p99: { gt: 100, le: 200 },
    });
    expect(f.cpuSeconds).toBe(2.5);
    expect(f.slowQueries).toBe(4);
    expect(f.eventLoopLagP99Ms).toBe(12);
    expect(f.scrapes).toBe(3);
  });

  it('reports null for series the target does not expose', () => {
    const f = serverFigures([], [], { eventLoopLagP99: null, heap: null, rss: null }, 2);
    expect(f).toMatchObject({ requests: 0, slowQueries: null, cpuSeconds: null, peakRssBytes: null });
  });

  it('counts no slow queries as 0 when the database is instrumented, and as unknown when it is not', () => {
    const dbCount: Sample = {
      name: 'db_client_operation_duration_seconds_count',
      labels: { db_operation_name: 'SELECT', db_collection_name: 'orders' },
      value: 12,
    };
    const peaks = { eventLoopLagP99: null, heap: null, rss: null };
    expect(serverFigures([], [dbCount], peaks, 2).slowQueries).toBe(0);
    expect(serverFigures([], [bucket('/a', '+Inf', 3)], peaks, 2).slowQueries).toBeNull();
  });

  it('keeps gauge peaks across scrapes', () => {
    const g = (name: string, value: number): Sample => ({ name, labels: {}, value });
    let p = updatePeaks({ eventLoopLagP99: null, heap: null, rss: null }, [
      g('process_resident_memory_bytes', 10),
    ]);
    p = updatePeaks(p, [g('process_resident_memory_bytes', 30), g('nodejs_heap_size_used_bytes', 3)]);
    p = updatePeaks(p, [g('process_resident_memory_bytes', 20)]);
    expect(p).toEqual({ eventLoopLagP99: null, heap: 3, rss: 30 });
  });
});
