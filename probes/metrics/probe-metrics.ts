import type { Registry } from 'prom-client';
import { collectDefaultMetrics, Counter, Gauge } from 'prom-client';
import { LeanHistogram } from './lean-histogram.js';
import * as N from '../metric-names.js';
import type { PoolStatsLike } from '../types.js';

/** The instruments the probes record into: lean histograms on the hot path, prom-client for the rest. */
export interface ProbeMetrics {
  registry: Registry;
  httpDuration: LeanHistogram;
  httpRequestSize: LeanHistogram;
  httpResponseSize: LeanHistogram;
  httpSlow: Counter<string>;
  httpQueries: LeanHistogram;
  dbDuration: LeanHistogram;
  dbSlow: Counter<string>;
  cacheHits: Counter<string>;
  cacheMisses: Counter<string>;
  /** Live counts behind http_server_active_requests, read at scrape time. */
  active: ActiveRequests;
  /** Pool stats readers behind the pool gauges, read at scrape time. */
  pools: Map<string, () => PoolStatsLike>;
}

/** One in-flight count per method and scheme: the request keeps its counter and decrements it. */
export interface ActiveCount {
  value: number;
}

export class ActiveRequests {
  readonly #byMethod = new Map<string, Map<string, ActiveCount>>();

  /** The counter of one method (normalized) and scheme, made on first use. */
  series(method: string, scheme: string): ActiveCount {
    let byScheme = this.#byMethod.get(method);
    if (!byScheme) this.#byMethod.set(method, (byScheme = new Map()));
    let count = byScheme.get(scheme);
    if (!count) byScheme.set(scheme, (count = { value: 0 }));
    return count;
  }

  *entries(): Generator<[method: string, scheme: string, count: number]> {
    for (const [method, byScheme] of this.#byMethod)
      for (const [scheme, c] of byScheme) yield [method, scheme, c.value];
  }
}

export function createMetrics(registry: Registry, exemplars: boolean, defaultMetrics: boolean): ProbeMetrics {
  const registers = [registry];
  const active = new ActiveRequests();
  const pools = new Map<string, () => PoolStatsLike>();

  const m: ProbeMetrics = {
    registry,
    active,
    pools,
    httpDuration: new LeanHistogram({
      name: N.HTTP_SERVER_REQUEST_DURATION,
      help: 'Duration of HTTP server requests.',
      labelNames: [
        N.LABEL_METHOD,
        N.LABEL_ROUTE,
        N.LABEL_STATUS,
        N.LABEL_URL_SCHEME,
        N.LABEL_ERROR_TYPE,
        N.LABEL_USER_AGENT_SYNTHETIC_TYPE,
      ],
      buckets: [...N.DURATION_BUCKETS],
      exemplars,
      registry,
    }),
    httpRequestSize: new LeanHistogram({
      name: N.HTTP_SERVER_REQUEST_BODY_SIZE,
      help: 'Size of HTTP server request bodies (from Content-Length).',
      labelNames: [N.LABEL_METHOD, N.LABEL_ROUTE],
      buckets: [...N.BODY_SIZE_BUCKETS],
      exemplars: false,
      registry,
    }),
    httpResponseSize: new LeanHistogram({
      name: N.HTTP_SERVER_RESPONSE_BODY_SIZE,
      help: 'Size of HTTP server response bodies (from Content-Length).',
      labelNames: [N.LABEL_METHOD, N.LABEL_ROUTE, N.LABEL_STATUS],
      buckets: [...N.BODY_SIZE_BUCKETS],
      exemplars: false,
      registry,
    }),
    httpSlow: new Counter({
      name: N.HTTP_SERVER_SLOW_REQUESTS,
      help: 'HTTP server requests at or above the slow-request threshold.',
      labelNames: [N.LABEL_METHOD, N.LABEL_ROUTE],
      registers,
    }),
    httpQueries: new LeanHistogram({
      name: N.HTTP_SERVER_DB_QUERIES,
      help: 'Database queries run per HTTP request (N+1 detector).',
      labelNames: [N.LABEL_METHOD, N.LABEL_ROUTE],
      buckets: [...N.QUERY_COUNT_BUCKETS],
      exemplars: false,
      registry,
    }),
    dbDuration: new LeanHistogram({
      name: N.DB_CLIENT_OPERATION_DURATION,
      help: 'Duration of database client operations.',
      labelNames: [N.LABEL_DB_OPERATION, N.LABEL_DB_COLLECTION, N.LABEL_DB_SYSTEM],
      buckets: [...N.DURATION_BUCKETS],
      exemplars,
      registry,
    }),
    dbSlow: new Counter({
      name: N.DB_CLIENT_SLOW_QUERIES,
      help: 'Database operations at or above the slow-query threshold.',
      labelNames: [N.LABEL_DB_OPERATION, N.LABEL_DB_COLLECTION],
      registers,
    }),
    cacheHits: new Counter({
      name: N.CACHE_HITS,
      help: 'Cache lookups that found a value.',
      labelNames: [N.LABEL_CACHE_NAME],
      registers,
    }),
    cacheMisses: new Counter({
      name: N.CACHE_MISSES,
      help: 'Cache lookups that found nothing.',
      labelNames: [N.LABEL_CACHE_NAME],
      registers,
    }),
  };

  new Gauge({
    name: N.HTTP_SERVER_ACTIVE_REQUESTS,
    help: 'Number of HTTP server requests in flight.',
    labelNames: [N.LABEL_METHOD, N.LABEL_URL_SCHEME],
    registers,
    collect() {
      for (const [method, scheme, count] of active.entries())
        this.set({ [N.LABEL_METHOD]: method, [N.LABEL_URL_SCHEME]: scheme }, count);
    },
  });
  new Gauge({
    name: N.DB_CLIENT_CONNECTION_COUNT,
    help: 'Database connections in the pool by state (idle, used).',
    labelNames: [N.LABEL_POOL_NAME, N.LABEL_CONNECTION_STATE],
    registers,
    collect() {
      for (const [pool, read] of pools) {
        const s = readPool(read);
        if (!s) continue;
        this.set({ [N.LABEL_POOL_NAME]: pool, [N.LABEL_CONNECTION_STATE]: 'idle' }, s.idle);
        this.set(
          { [N.LABEL_POOL_NAME]: pool, [N.LABEL_CONNECTION_STATE]: 'used' },
          Math.max(0, s.total - s.idle),
        );
      }
    },
  });
  new Gauge({
    name: N.DB_CLIENT_CONNECTION_PENDING_REQUESTS,
    help: 'Requests waiting for a database connection from the pool.',
    labelNames: [N.LABEL_POOL_NAME],
    registers,
    collect() {
      for (const [pool, read] of pools) {
        const s = readPool(read);
        if (s) this.set({ [N.LABEL_POOL_NAME]: pool }, s.waiting);
      }
    },
  });

  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  return m;
}

function readPool(read: () => PoolStatsLike): PoolStatsLike | undefined {
  try {
    const s = read();
    return s && Number.isFinite(s.total) && Number.isFinite(s.idle) && Number.isFinite(s.waiting)
      ? s
      : undefined;
  } catch {
    return undefined; // a broken poolStats() must not break the scrape
  }
}
