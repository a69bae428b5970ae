import { DB_CLIENT_OPERATION_DURATION, HTTP_SERVER_REQUEST_DURATION } from '../../probes/metric-names.js';

/**
 * The Prometheus series the scraper reads from the target's /metrics. They
 * match the probes (OpenTelemetry semantic-convention names) and
 * prom-client's default metrics; nothing else in loadtests spells them.
 */
export const METRICS_PATH = '/metrics';
export const HTTP_DURATION_BUCKET = `${HTTP_SERVER_REQUEST_DURATION}_bucket`;
export const HTTP_DURATION_COUNT = `${HTTP_SERVER_REQUEST_DURATION}_count`;
export const LABEL_LE = 'le';
export const DB_DURATION_COUNT = `${DB_CLIENT_OPERATION_DURATION}_count`;
export const EVENT_LOOP_LAG_P99 = 'nodejs_eventloop_lag_p99_seconds';
export const HEAP_USED = 'nodejs_heap_size_used_bytes';
export const RSS = 'process_resident_memory_bytes';
export const CPU_SECONDS = 'process_cpu_seconds_total';
// Names the probes own, re-exported rather than retyped.
export {
  HTTP_SERVER_REQUEST_DURATION as HTTP_DURATION,
  LABEL_ROUTE,
  LABEL_METHOD,
  DB_CLIENT_SLOW_QUERIES as SLOW_QUERIES,
  HTTP_SERVER_DB_QUERIES as DB_QUERIES_PER_REQUEST,
  DB_CLIENT_OPERATION_DURATION as DB_DURATION,
  DB_CLIENT_CONNECTION_PENDING_REQUESTS as POOL_PENDING,
} from '../../probes/metric-names.js';
