/**
 * Series the dashboards and rules query that no perflab names module holds:
 * prom-client's default metrics (collected by the probes, named by
 * prom-client) and the Prometheus-made `up`. The probes' own names come from
 * probes/metric-names.ts and the load generator's from
 * loadtests/outputs/remote-write/metric-names.ts; the dashboards spell none
 * of those.
 */
export const UP = 'up';

export const EVENT_LOOP_LAG_P50 = 'nodejs_eventloop_lag_p50_seconds';
export const EVENT_LOOP_LAG_P99 = 'nodejs_eventloop_lag_p99_seconds';
export const HEAP_SPACE_USED = 'nodejs_heap_space_size_used_bytes';
export const HEAP_SPACE_TOTAL = 'nodejs_heap_space_size_total_bytes';
export const HEAP_USED = 'nodejs_heap_size_used_bytes';
export const HEAP_TOTAL = 'nodejs_heap_size_total_bytes';
export const EXTERNAL_MEMORY = 'nodejs_external_memory_bytes';
export const RSS = 'process_resident_memory_bytes';
export const GC_DURATION = 'nodejs_gc_duration_seconds';
export const ACTIVE_HANDLES = 'nodejs_active_handles';
export const ACTIVE_HANDLES_TOTAL = 'nodejs_active_handles_total';
export const CPU_USER = 'process_cpu_user_seconds_total';
export const CPU_SYSTEM = 'process_cpu_system_seconds_total';

export const LABEL_HEAP_SPACE = 'space';
export const LABEL_GC_KIND = 'kind';
export const LABEL_HANDLE_TYPE = 'type';
