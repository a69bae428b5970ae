/**
 * The series `perflab run --prometheus-rw` writes into Prometheus: the
 * generator's own client-side view of a run. The load-test dashboard imports
 * these names; nothing else spells them.
 */
export const LOAD_REQUESTS = 'perflab_load_requests_total';
export const LOAD_ERRORS = 'perflab_load_errors_total';
/** A classic histogram (`_bucket`, `_sum`, `_count`): percentiles add up across generators. */
export const LOAD_REQUEST_DURATION = 'perflab_load_request_duration_seconds';
export const LOAD_IN_FLIGHT = 'perflab_load_in_flight_requests';
/** The worst send lag of the last second, open model only: how late arrivals left the generator. */
export const LOAD_SEND_LAG = 'perflab_load_send_lag_seconds';

/** The run's test id, shared by every generator of one distributed run. */
export const LABEL_TESTID = 'testid';
/** Which generator process wrote the series (host:pid by default). */
export const LABEL_GENERATOR = 'generator';
/** The scenario step the request belongs to (result.json's endpoint key). */
export const LABEL_ENDPOINT = 'endpoint';
/** The error kind (result.json's errorsByKind key), as semconv's error.type. */
export const LABEL_ERROR_TYPE = 'error_type';
export const LABEL_LE = 'le';

/**
 * Upper bounds in seconds. Finer than the server's semconv buckets below
 * 10 ms, where a healthy API answers, and reaching 30 s for timeouts.
 */
export const LOAD_DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30,
];
