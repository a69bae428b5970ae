import * as R from '../lib/external-metric-names.js';
import * as N from '../../probes/metric-names.js';
import { RECORD, RULE_FILES, SLO } from './rules-source.js';

// promtool unit tests for the rules, built from the same names as the rules
// so a rename cannot leave them testing series nobody exports. Written to
// dashboards/prometheus/tests/rules.test.yml by `npm run dashboards`; run with
// `promtool test rules dashboards/prometheus/tests/rules.test.yml`.

const D = N.HTTP_SERVER_REQUEST_DURATION;
const series = (name: string, labels: Record<string, string>): string =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
const route = (job: string, r: string, status = '200') => ({
  job,
  instance: 'app:3000',
  [N.LABEL_METHOD]: 'GET',
  [N.LABEL_ROUTE]: r,
  [N.LABEL_STATUS]: status,
});
/** Requests of one route all between 0.1 s and 0.25 s, `perMinute` of them. */
const requests = (
  job: string,
  r: string,
  perMinute: number,
  status = '200',
  bounds: [string, string] = ['0.1', '0.25'],
) => [
  { series: series(`${D}_count`, route(job, r, status)), values: `0+${perMinute}x120` },
  { series: series(`${D}_bucket`, { ...route(job, r, status), le: bounds[0] }), values: '0+0x120' },
  {
    series: series(`${D}_bucket`, { ...route(job, r, status), le: bounds[1] }),
    values: `0+${perMinute}x120`,
  },
  { series: series(`${D}_bucket`, { ...route(job, r, status), le: '+Inf' }), values: `0+${perMinute}x120` },
];

function alertTest(
  name: string,
  input: Array<{ series: string; values: string }>,
  evalTime: string,
  exp: unknown[],
) {
  return {
    name,
    interval: '1m',
    input_series: input,
    alert_rule_test: [{ eval_time: evalTime, alertname: name, exp_alerts: exp }],
  };
}

export function rulesTests() {
  const shop = [
    ...requests('shop', '/a', 60),
    ...requests('shop', '/a', 6, '500'),
    ...requests('shop', '/b', 30),
  ];
  return {
    rule_files: RULE_FILES.map((f) => `../${f.file}`),
    evaluation_interval: '1m',
    tests: [
      {
        name: 'recording rules: rate, percentiles and a 5xx ratio that is 0, not absent, without errors',
        interval: '1m',
        input_series: shop,
        promql_expr_test: [
          {
            expr: `${RECORD.routeRate}{${N.LABEL_ROUTE}="/a"}`,
            eval_time: '10m',
            exp_samples: [
              { labels: series(RECORD.routeRate, { job: 'shop', [N.LABEL_ROUTE]: '/a' }), value: 1.1 },
            ],
          },
          {
            expr: `${RECORD.routeErrorRatio}`,
            eval_time: '10m',
            exp_samples: [
              {
                labels: series(RECORD.routeErrorRatio, { job: 'shop', [N.LABEL_ROUTE]: '/a' }),
                value: 6 / 66,
              },
              { labels: series(RECORD.routeErrorRatio, { job: 'shop', [N.LABEL_ROUTE]: '/b' }), value: 0 },
            ],
          },
          {
            // Every request in (0.1, 0.25]: linear interpolation inside that bucket.
            expr: `${RECORD.routeP95}{${N.LABEL_ROUTE}="/b"}`,
            eval_time: '10m',
            exp_samples: [
              { labels: series(RECORD.routeP95, { job: 'shop', [N.LABEL_ROUTE]: '/b' }), value: 0.2425 },
            ],
          },
          {
            expr: `${RECORD.routeP99}{${N.LABEL_ROUTE}="/b"}`,
            eval_time: '10m',
            exp_samples: [
              { labels: series(RECORD.routeP99, { job: 'shop', [N.LABEL_ROUTE]: '/b' }), value: 0.2485 },
            ],
          },
        ],
      },
      alertTest('PerflabHighErrorRatio', shop, '15m', [
        {
          exp_labels: { severity: 'page', job: 'shop' },
          exp_annotations: {
            summary: 'shop: 6.25% of requests answer 5xx', // 6 of 60 + 6 + 30,
            description: `Over ${SLO.errorRatio * 100}% server errors for 5 minutes. Service overview, "5xx ratio by route", says which route.`,
          },
        },
      ]),
      alertTest('PerflabLatencyP99OverSlo', [...requests('slow', '/c', 60, '200', ['0.5', '1'])], '20m', [
        {
          exp_labels: { severity: 'page', job: 'slow' },
          exp_annotations: {
            summary: 'slow: p99 latency 995ms',
            description: `p99 over ${SLO.p99Seconds * 1000} ms for 10 minutes. Open an exemplar on the latency heatmap for a slow request's trace.`,
          },
        },
      ]),
      alertTest(
        'PerflabEventLoopLag',
        [
          { series: series(R.EVENT_LOOP_LAG_P99, { job: 'shop', instance: 'a:3000' }), values: '0.2x20' },
          { series: series(R.EVENT_LOOP_LAG_P99, { job: 'shop', instance: 'b:3000' }), values: '0.01x20' },
        ],
        '10m',
        [
          {
            exp_labels: { severity: 'warn', job: 'shop', instance: 'a:3000' },
            exp_annotations: {
              summary: 'a:3000: event-loop lag p99 200ms',
              description:
                'Something blocks the event loop (sync CPU work, a large JSON, a sync fs call); every request on the instance waits.',
            },
          },
        ],
      ),
      alertTest(
        'PerflabHeapGrowing',
        [
          // 1.2 MB a minute is 20 kB/s, twice the threshold; the flat instance stays quiet.
          {
            series: series(R.HEAP_USED, { job: 'shop', instance: 'a:3000' }),
            values: '50000000+1200000x120',
          },
          { series: series(R.HEAP_USED, { job: 'shop', instance: 'b:3000' }), values: '50000000x120' },
        ],
        '100m',
        [
          {
            exp_labels: { severity: 'warn', job: 'shop', instance: 'a:3000' },
            exp_annotations: {
              summary: 'a:3000: heap grows 19.53kiB/s for an hour',
              description:
                'A steady climb of the used heap across GCs is a leak; take heap snapshots a few minutes apart and compare.',
            },
          },
        ],
      ),
      alertTest(
        'PerflabSlowQueries',
        [
          {
            series: series(N.DB_CLIENT_SLOW_QUERIES, {
              job: 'shop',
              instance: 'a:3000',
              [N.LABEL_DB_OPERATION]: 'SELECT',
              [N.LABEL_DB_COLLECTION]: 'orders',
            }),
            values: '0+120x20',
          },
        ],
        '15m',
        [
          {
            exp_labels: { severity: 'warn', job: 'shop' },
            exp_annotations: {
              summary: 'shop: 2 slow queries a second',
              description:
                'The Database dashboard shows which operation and table; the slow-query log lines carry their SQL and trace id.',
            },
          },
        ],
      ),
      alertTest(
        'PerflabCircuitBreakerOpen',
        [
          // users open from minute 2 on; catalog opens for one minute only, under the 2 m hold.
          {
            series: series(N.BREAKER_STATE, {
              job: 'orders',
              instance: 'orders:3003',
              [N.LABEL_BREAKER]: 'users',
            }),
            values: '0 0 2 2 2 2 2 2',
          },
          {
            series: series(N.BREAKER_STATE, {
              job: 'orders',
              instance: 'orders:3003',
              [N.LABEL_BREAKER]: 'catalog',
            }),
            values: '0 0 0 2 0 0 0 0',
          },
        ],
        '6m',
        [
          {
            exp_labels: {
              severity: 'warn',
              job: 'orders',
              instance: 'orders:3003',
              [N.LABEL_BREAKER]: 'users',
            },
            exp_annotations: {
              summary: 'orders: breaker users open',
              description:
                'An upstream has failed past the error threshold for 2 minutes; calls are rejected and answers degraded. The Services dashboard shows which events opened it.',
            },
          },
        ],
      ),
      alertTest(
        'PerflabDeadLetters',
        [
          // One order.created given up at minute 3; the refunds consumer never gives one up.
          {
            series: series(N.BUS_DEAD_LETTERS, {
              job: 'gateway',
              instance: 'gateway:3000',
              [N.LABEL_CONSUMER]: 'payments',
              [N.LABEL_EVENT_TYPE]: 'order.created',
            }),
            values: '0 0 0 1 1 1 1',
          },
          // inventory's series is born at its first dead letter, at 1 (prom-client's way).
          {
            series: series(N.BUS_DEAD_LETTERS, {
              job: 'gateway',
              instance: 'gateway:3000',
              [N.LABEL_CONSUMER]: 'inventory',
              [N.LABEL_EVENT_TYPE]: 'payment.completed',
            }),
            values: '_ _ _ 1 1 1 1',
          },
          {
            series: series(N.BUS_DEAD_LETTERS, {
              job: 'gateway',
              instance: 'gateway:3000',
              [N.LABEL_CONSUMER]: 'payments-refunds',
              [N.LABEL_EVENT_TYPE]: 'inventory.failed',
            }),
            values: '0 0 0 0 0 0 0',
          },
        ],
        '5m',
        [
          {
            exp_labels: {
              severity: 'page',
              job: 'gateway',
              [N.LABEL_CONSUMER]: 'inventory',
              [N.LABEL_EVENT_TYPE]: 'payment.completed',
            },
            exp_annotations: {
              summary: 'gateway: inventory dead-lettered payment.completed events',
              description:
                'A consumer gave events up after the maximum deliveries: their orders are not settled. Read them from the dead-letter subject and the consumer logs.',
            },
          },
          {
            exp_labels: {
              severity: 'page',
              job: 'gateway',
              [N.LABEL_CONSUMER]: 'payments',
              [N.LABEL_EVENT_TYPE]: 'order.created',
            },
            exp_annotations: {
              summary: 'gateway: payments dead-lettered order.created events',
              description:
                'A consumer gave events up after the maximum deliveries: their orders are not settled. Read them from the dead-letter subject and the consumer logs.',
            },
          },
        ],
      ),
      alertTest(
        'PerflabTargetDown',
        [
          { series: series(R.UP, { job: 'shop', instance: 'a:3000' }), values: '1 1 0 0 0 0' },
          { series: series(R.UP, { job: 'shop', instance: 'b:3000' }), values: '1 1 1 1 1 1' },
        ],
        '5m',
        [
          {
            exp_labels: { severity: 'page', job: 'shop', instance: 'a:3000' },
            exp_annotations: {
              summary: 'shop a:3000 is down',
              description: 'Prometheus cannot scrape /metrics: the process is down or not answering.',
            },
          },
        ],
      ),
    ],
  };
}
