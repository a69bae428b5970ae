/**
 * Every metric name and bucket layout the probes export, in one place.
 * Names follow the OpenTelemetry semantic conventions as Prometheus exposes
 * them (dots become underscores, the unit becomes a suffix, seconds and bytes
 * are the base units). Anything not defined by semconv is prefixed `perflab_`,
 * even where it sits in a semconv namespace.
 */

export const HTTP_SERVER_REQUEST_DURATION = 'http_server_request_duration_seconds';
export const HTTP_SERVER_ACTIVE_REQUESTS = 'http_server_active_requests';
export const HTTP_SERVER_REQUEST_BODY_SIZE = 'http_server_request_body_size_bytes';
export const HTTP_SERVER_RESPONSE_BODY_SIZE = 'http_server_response_body_size_bytes';
export const HTTP_SERVER_SLOW_REQUESTS = 'perflab_http_server_slow_requests_total';
export const HTTP_SERVER_DB_QUERIES = 'perflab_http_server_db_queries_per_request';

export const DB_CLIENT_OPERATION_DURATION = 'db_client_operation_duration_seconds';
export const DB_CLIENT_SLOW_QUERIES = 'perflab_db_client_slow_queries_total';
/**
 * The semconv name as Prometheus exposes it. `promtool check metrics` says a
 * gauge should not be named `_count` (it reads like a histogram's count
 * series); the name is semconv's (db.client.connection.count), kept as is.
 */
export const DB_CLIENT_CONNECTION_COUNT = 'db_client_connection_count';
export const DB_CLIENT_CONNECTION_PENDING_REQUESTS = 'db_client_connection_pending_requests';

export const CACHE_HITS = 'perflab_cache_hits_total';
export const CACHE_MISSES = 'perflab_cache_misses_total';

/** Optimization-lab flags of the target app, 1 when on (label `flag`). */
export const FLAG_ENABLED = 'perflab_flag_enabled';

/** Label names (semconv attribute names with dots as underscores). */
export const LABEL_METHOD = 'http_request_method';
export const LABEL_ROUTE = 'http_route';
export const LABEL_STATUS = 'http_response_status_code';
export const LABEL_URL_SCHEME = 'url_scheme';
export const LABEL_ERROR_TYPE = 'error_type';
export const LABEL_DB_OPERATION = 'db_operation_name';
export const LABEL_DB_COLLECTION = 'db_collection_name';
export const LABEL_DB_SYSTEM = 'db_system_name';
export const LABEL_POOL_NAME = 'db_client_connection_pool_name';
export const LABEL_CONNECTION_STATE = 'db_client_connection_state';
export const LABEL_CACHE_NAME = 'cache_name';
/** The flag a `perflab_flag_enabled` series is about. */
export const LABEL_FLAG = 'flag';
/**
 * Semconv's opt-in user_agent.synthetic.type on the request-duration
 * histogram, so dashboards can split load-test traffic from real traffic.
 * Only SYNTHETIC_TEST is ever set; real traffic leaves the label off.
 */
export const LABEL_USER_AGENT_SYNTHETIC_TYPE = 'user_agent_synthetic_type';
/** The `user_agent_synthetic_type` of perflab's own load (semconv's `test`). */
export const SYNTHETIC_TEST = 'test';

/** The semconv advisory buckets for http.server.request.duration and db.client.operation.duration. */
export const DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** Body sizes in bytes, 64 B to 4 MiB in powers of four. */
export const BODY_SIZE_BUCKETS: readonly number[] = [
  64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
];

/** Queries per request: 0 is its own bucket so N+1 patterns stand out. */
export const QUERY_COUNT_BUCKETS: readonly number[] = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100];

/** Label value used when a request matched no route. */
export const ROUTE_UNMATCHED = 'unmatched';
/** Label value used for an HTTP method outside the known set. */
export const METHOD_OTHER = '_OTHER';
/** Label value used for an unparseable SQL operation or table. */
export const DB_UNKNOWN = 'unknown';
/** Label value used once a label has too many distinct values. */
export const LABEL_OVERFLOW = 'other';

/** `error.type` of a request whose client went away before the response was sent. */
export const ERROR_ABORTED = 'aborted';

/** Span attribute on the server span: queries the request ran (our own, outside semconv). */
export const ATTR_PERFLAB_DB_QUERY_COUNT = 'perflab.db.query_count';

/** The services shape (target-app/services): circuit breakers, the event bus and the saga. */
export const BREAKER_STATE = 'perflab_circuit_breaker_state';
export const BREAKER_EVENTS = 'perflab_circuit_breaker_events_total';
export const SAGA_OUTCOMES = 'perflab_saga_outcomes_total';
export const SAGA_DURATION = 'perflab_saga_duration_seconds';
export const BUS_CONSUMER_LAG = 'perflab_bus_consumer_lag';
export const BUS_REDELIVERIES = 'perflab_bus_redeliveries_total';
export const BUS_DEAD_LETTERS = 'perflab_bus_dead_letters_total';
export const LABEL_BREAKER = 'breaker';
export const LABEL_BREAKER_EVENT = 'event';
export const LABEL_SAGA_RESULT = 'result';
export const LABEL_CONSUMER = 'consumer';
export const LABEL_EVENT_TYPE = 'event_type';
/** Created to terminal state: the saga spans several services and the bus, so up to a minute. */
export const SAGA_DURATION_BUCKETS: readonly number[] = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];
