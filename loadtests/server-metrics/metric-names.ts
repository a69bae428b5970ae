/**
 * The Prometheus series the scraper reads from the target's /metrics. They
 * match the probes (OpenTelemetry semantic-convention names) and
 * prom-client's default metrics; nothing else in loadtests spells them.
 */
export const METRICS_PATH = '/metrics';
export const HTTP_DURATION = 'http_server_request_duration_seconds';
export const HTTP_DURATION_BUCKET = `${HTTP_DURATION}_bucket`;
export const HTTP_DURATION_COUNT = `${HTTP_DURATION}_count`;
export const LABEL_ROUTE = 'http_route';
export const LABEL_METHOD = 'http_request_method';
export const LABEL_LE = 'le';
export const SLOW_QUERIES = 'perflab_db_client_slow_queries_total';
export const DB_DURATION_COUNT = 'db_client_operation_duration_seconds_count';
export const EVENT_LOOP_LAG_P99 = 'nodejs_eventloop_lag_p99_seconds';
export const HEAP_USED = 'nodejs_heap_size_used_bytes';
export const RSS = 'process_resident_memory_bytes';
export const CPU_SECONDS = 'process_cpu_seconds_total';
// Names the probes own, re-exported rather than retyped.
export {
  HTTP_SERVER_DB_QUERIES as DB_QUERIES_PER_REQUEST,
  DB_CLIENT_OPERATION_DURATION as DB_DURATION,
  DB_CLIENT_CONNECTION_PENDING_REQUESTS as POOL_PENDING,
} from '../../probes/metric-names.js';
