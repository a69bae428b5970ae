import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../loadtests/server-metrics/parse-prometheus.js';
import { heapGrowth, windowFigures } from '../../../loadtests/server-metrics/window-figures.js';

const route = { http_request_method: 'GET', http_route: '/api/orders' };
function scrape(
  atMs: number,
  requests: number,
  queries: number,
  dbSeconds: number,
  heap: number,
  pending: number,
) {
  const samples: Sample[] = [
    {
      name: 'http_server_request_duration_seconds_count',
      labels: { ...route, http_response_status_code: '200' },
      value: requests,
    },
    { name: 'perflab_http_server_db_queries_per_request_sum', labels: route, value: queries },
    { name: 'perflab_http_server_db_queries_per_request_count', labels: route, value: requests },
    {
      name: 'db_client_operation_duration_seconds_sum',
      labels: { db_operation_name: 'SELECT' },
      value: dbSeconds,
    },
    { name: 'nodejs_heap_size_used_bytes', labels: {}, value: heap },
    {
      name: 'db_client_connection_pending_requests',
      labels: { db_client_connection_pool_name: 'main' },
      value: pending,
    },
  ];
  return { atMs, samples };
}

describe('windowFigures', () => {
  it('computes per-request DB figures from the edge scrapes, and the window offsets', () => {
    const scrapes = [
      scrape(1003, 100, 500, 1, 10e6, 9),
      scrape(2000, 200, 1500, 2, 11e6, 2),
      scrape(3001, 300, 2500, 3, 12e6, 4),
    ];
    const { figures, routeQueries } = windowFigures(scrapes, 1000, 3000);
    // 200 requests ran 2000 queries and 2 s of DB time between the edges.
    expect(figures.queriesPerRequest).toBe(10);
    expect(figures.dbTimePerRequestMs).toBe(10);
    expect(routeQueries['GET /api/orders']).toBe(10);
    expect(figures.window).toEqual({ startOffsetMs: 3, endOffsetMs: 1 });
    // The start scrape's pending gauge (9) belongs to the warm-up.
    expect(figures.poolPendingMax).toBe(4);
    expect(figures.poolPendingMean).toBe(3);
    expect(figures.series?.map((p) => p.requests)).toEqual([0, 100, 100]);
    expect(figures.heapGrowthBytes).toBeCloseTo(2e6, -3);
  });

  it('has nothing to say with a single scrape', () => {
    expect(windowFigures([scrape(0, 1, 1, 1, 1, 0)], 0, 1).figures).toEqual({});
  });
});

describe('heapGrowth', () => {
  it('follows the trend rather than the last point, so one late collection does not hide growth', () => {
    const pts = [0, 1, 2, 3, 4].map((second) => ({ second, heapBytes: 100 + 10 * second }));
    pts.push({ second: 5, heapBytes: 100 });
    expect(heapGrowth(pts)).toBeGreaterThan(0);
    expect(heapGrowth([{ second: 0, heapBytes: 5 }])).toBeNull();
  });
});
