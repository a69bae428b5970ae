import { request } from 'undici';
import { metricNames as N } from '../../probes/index.js';
import { parsePrometheus, type Sample } from '../../loadtests/server-metrics/parse-prometheus.js';

/** Server-side counters the lab reads around each phase, from the app's /metrics. */
export interface ServerCounters {
  requests: number;
  queries: number;
  dbSeconds: number;
  heapBytes: number;
}

const sum = (samples: Sample[], name: string): number =>
  samples.filter((s) => s.name === name).reduce((t, s) => t + s.value, 0);

export async function readCounters(target: string): Promise<ServerCounters> {
  const res = await request(`${target}/metrics`);
  const samples = parsePrometheus(await res.body.text());
  return {
    requests: sum(samples, `${N.HTTP_SERVER_DB_QUERIES}_count`),
    queries: sum(samples, `${N.HTTP_SERVER_DB_QUERIES}_sum`),
    dbSeconds: sum(samples, `${N.DB_CLIENT_OPERATION_DURATION}_sum`),
    heapBytes: sum(samples, 'nodejs_heap_size_used_bytes'),
  };
}

/** Queries and DB milliseconds per request between two readings. */
export function perRequest(before: ServerCounters, after: ServerCounters) {
  const requests = after.requests - before.requests;
  if (requests <= 0) return { queries: null, dbMs: null };
  return {
    queries: (after.queries - before.queries) / requests,
    dbMs: ((after.dbSeconds - before.dbSeconds) * 1000) / requests,
  };
}
