import * as R from '../lib/external-metric-names.js';
import * as N from '../../probes/metric-names.js';
import { BREAKER_STATE_VALUE } from '../../target-app/services/shared/service-metrics.js';

/** One Prometheus rule, as it goes into a rule file. */
export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  rules: Rule[];
}

const D = N.HTTP_SERVER_REQUEST_DURATION;
const ROUTE = N.LABEL_ROUTE;
const SERVER_ERRORS = `${N.LABEL_STATUS}=~"5.."`;

/** Recording-rule names, level:metric:operations as Prometheus' naming practice has it. */
export const RECORD = {
  routeRate: `job_route:${D}_count:rate1m`,
  routeP95: `job_route:${D}:p95_1m`,
  routeP99: `job_route:${D}:p99_1m`,
  routeErrorRatio: `job_route:http_server_5xx:ratio_rate1m`,
  jobErrorRatio: `job:http_server_5xx:ratio_rate5m`,
  jobP99: `job:${D}:p99_5m`,
} as const;

/** The targets the alerts hold the service to. */
export const SLO = {
  errorRatio: 0.05,
  p99Seconds: 0.5,
  eventLoopLagSeconds: 0.1,
  /** Bytes per second of steady heap growth: about 36 MB an hour. */
  heapGrowthBytesPerSecond: 10_000,
  slowQueriesPerSecond: 1,
} as const;

const quantile = (q: number, by: string, window: string): string =>
  `histogram_quantile(${q}, sum by (${by}, le) (rate(${D}_bucket[${window}])))`;
const ratio = (by: string, window: string): string => {
  const all = `sum by (${by}) (rate(${D}_count[${window}]))`;
  return `(sum by (${by}) (rate(${D}_count{${SERVER_ERRORS}}[${window}])) or ${all} * 0) / ${all}`;
};

export function recordingRules(): RuleGroup[] {
  return [
    {
      name: 'perflab-http-route',
      rules: [
        { record: RECORD.routeRate, expr: `sum by (job, ${ROUTE}) (rate(${D}_count[1m]))` },
        { record: RECORD.routeP95, expr: quantile(0.95, `job, ${ROUTE}`, '1m') },
        { record: RECORD.routeP99, expr: quantile(0.99, `job, ${ROUTE}`, '1m') },
        { record: RECORD.routeErrorRatio, expr: ratio(`job, ${ROUTE}`, '1m') },
      ],
    },
    {
      name: 'perflab-http-job',
      rules: [
        { record: RECORD.jobErrorRatio, expr: ratio('job', '5m') },
        { record: RECORD.jobP99, expr: quantile(0.99, 'job', '5m') },
      ],
    },
  ];
}

/**
 * Dead letters in the last 10 minutes. prom-client creates a labelled series
 * at its first increment, so a consumer's first dead letter appears at 1 and
 * increase() alone would never see it: a series that did not exist 10 minutes
 * ago counts with its whole value.
 */
const DEAD_BY = `job, ${N.LABEL_CONSUMER}, ${N.LABEL_EVENT_TYPE}`;
const deadLetters =
  `sum by (${DEAD_BY}) (increase(${N.BUS_DEAD_LETTERS}[10m])) > 0` +
  ` or sum by (${DEAD_BY}) (${N.BUS_DEAD_LETTERS} unless ${N.BUS_DEAD_LETTERS} offset 10m) > 0`;

const page = (summary: string, description: string) => ({ summary, description });

export function alertingRules(): RuleGroup[] {
  return [
    {
      name: 'perflab-alerts',
      rules: [
        {
          alert: 'PerflabHighErrorRatio',
          expr: `${RECORD.jobErrorRatio} > ${SLO.errorRatio}`,
          for: '5m',
          labels: { severity: 'page' },
          annotations: page(
            '{{ $labels.job }}: {{ $value | humanizePercentage }} of requests answer 5xx',
            `Over ${SLO.errorRatio * 100}% server errors for 5 minutes. Service overview, "5xx ratio by route", says which route.`,
          ),
        },
        {
          alert: 'PerflabLatencyP99OverSlo',
          expr: `${RECORD.jobP99} > ${SLO.p99Seconds}`,
          for: '10m',
          labels: { severity: 'page' },
          annotations: page(
            '{{ $labels.job }}: p99 latency {{ $value | humanizeDuration }}',
            `p99 over ${SLO.p99Seconds * 1000} ms for 10 minutes. Open an exemplar on the latency heatmap for a slow request's trace.`,
          ),
        },
        {
          alert: 'PerflabEventLoopLag',
          expr: `max by (job, instance) (${R.EVENT_LOOP_LAG_P99}) > ${SLO.eventLoopLagSeconds}`,
          for: '5m',
          labels: { severity: 'warn' },
          annotations: page(
            '{{ $labels.instance }}: event-loop lag p99 {{ $value | humanizeDuration }}',
            'Something blocks the event loop (sync CPU work, a large JSON, a sync fs call); every request on the instance waits.',
          ),
        },
        {
          alert: 'PerflabHeapGrowing',
          expr: `deriv(${R.HEAP_USED}[30m]) > ${SLO.heapGrowthBytesPerSecond}`,
          for: '1h',
          labels: { severity: 'warn' },
          annotations: page(
            '{{ $labels.instance }}: heap grows {{ $value | humanize1024 }}B/s for an hour',
            'A steady climb of the used heap across GCs is a leak; take heap snapshots a few minutes apart and compare.',
          ),
        },
        {
          alert: 'PerflabSlowQueries',
          expr: `sum by (job) (rate(${N.DB_CLIENT_SLOW_QUERIES}[5m])) > ${SLO.slowQueriesPerSecond}`,
          for: '5m',
          labels: { severity: 'warn' },
          annotations: page(
            '{{ $labels.job }}: {{ $value | humanize }} slow queries a second',
            'The Database dashboard shows which operation and table; the slow-query log lines carry their SQL and trace id.',
          ),
        },
        {
          alert: 'PerflabCircuitBreakerOpen',
          expr: `max by (job, instance, ${N.LABEL_BREAKER}) (${N.BREAKER_STATE}) == ${BREAKER_STATE_VALUE.open}`,
          for: '2m',
          labels: { severity: 'warn' },
          annotations: page(
            `{{ $labels.job }}: breaker {{ $labels.${N.LABEL_BREAKER} }} open`,
            'An upstream has failed past the error threshold for 2 minutes; calls are rejected and answers degraded. The Services dashboard shows which events opened it.',
          ),
        },
        {
          alert: 'PerflabDeadLetters',
          expr: deadLetters,
          labels: { severity: 'page' },
          annotations: page(
            `{{ $labels.job }}: {{ $labels.${N.LABEL_CONSUMER} }} dead-lettered {{ $labels.${N.LABEL_EVENT_TYPE} }} events`,
            'A consumer gave events up after the maximum deliveries: their orders are not settled. Read them from the dead-letter subject and the consumer logs.',
          ),
        },
        {
          alert: 'PerflabTargetDown',
          expr: `${R.UP} == 0`,
          for: '1m',
          labels: { severity: 'page' },
          annotations: page(
            '{{ $labels.job }} {{ $labels.instance }} is down',
            'Prometheus cannot scrape /metrics: the process is down or not answering.',
          ),
        },
      ],
    },
  ];
}

/** The rule files `npm run dashboards` writes under dashboards/prometheus/. */
export const RULE_FILES: ReadonlyArray<{ file: string; groups: () => RuleGroup[] }> = [
  { file: 'rules/recording.yml', groups: recordingRules },
  { file: 'rules/alerts.yml', groups: alertingRules },
];
