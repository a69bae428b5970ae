import { AnnotationQueryBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as N from '../probes/metric-names.js';
import { PROMETHEUS_REF } from './lib/datasources.js';
import { perflabDashboard } from './lib/dashboard.js';
import { latencyHeatmap, rankingTable, statPanel, timeSeries } from './lib/panels.js';
import {
  datasourceVariable,
  LABEL_JOB,
  RATE,
  SERVICE,
  SERVICE_ROUTE,
  serviceVariables,
  TRAFFIC,
  trafficVariable,
} from './lib/variables.js';

const D = N.HTTP_SERVER_REQUEST_DURATION;
const ROUTE = N.LABEL_ROUTE;
const SYNTHETIC = N.LABEL_USER_AGENT_SYNTHETIC_TYPE;
/** The request-duration selector: the picked routes and the picked traffic. */
const REQUESTS = `${SERVICE_ROUTE},${TRAFFIC}`;
const rate = (series: string, selector: string, by: string): string =>
  `sum by (${by}) (rate(${series}{${selector}}[${RATE}]))`;
const quantile = (q: number, by: string, selector = REQUESTS): string =>
  `histogram_quantile(${q}, sum by (le${by ? `, ${by}` : ''}) (rate(${D}_bucket{${selector}}[${RATE}])))`;
const SERVER_ERRORS = `${N.LABEL_STATUS}=~"5.."`;

/**
 * The share of 5xx answers, 0 (not "No data") for routes that had none: the
 * `or ... * 0` fills in every route that served anything.
 */
export function errorRatio(by: string, selector = SERVICE_ROUTE): string {
  const all = rate(`${D}_count`, selector, by);
  return `(${rate(`${D}_count`, `${selector},${SERVER_ERRORS}`, by)} or ${all} * 0) / ${all}`;
}

export const SERVICE_OVERVIEW_UID = 'perflab-service-overview';

/** RED for one or more services: rate, errors, duration, and the way to a slow request's trace. */
export function serviceOverview() {
  return perflabDashboard({
    uid: SERVICE_OVERVIEW_UID,
    title: 'perflab / Service overview',
    source: 'dashboards/service-overview.ts',
    about: 'Rate, errors and duration by route, with exemplars that open the trace in Jaeger.',
  })
    .variables([datasourceVariable(), ...serviceVariables(), trafficVariable()])
    .annotation(
      new AnnotationQueryBuilder()
        .name('Flags')
        .datasource(PROMETHEUS_REF)
        .enable(true)
        .iconColor('purple')
        .expr(`max by (${N.LABEL_FLAG}) (${N.FLAG_ENABLED}{${LABEL_JOB}=~"$service"}) > 0`)
        .step('10s')
        .titleFormat(`flag {{${N.LABEL_FLAG}}} on`)
        .tagKeys(N.LABEL_FLAG),
    )
    .withRow(new RowBuilder('Now'))
    .withPanel(
      statPanel({
        title: 'Requests per second',
        description: 'How much traffic do the selected routes get?',
        unit: 'reqps',
        queries: [{ expr: `sum(rate(${D}_count{${REQUESTS}}[${RATE}]))` }],
      }),
    )
    .withPanel(
      statPanel({
        title: '5xx ratio',
        description: 'What share of answers are server errors?',
        unit: 'percentunit',
        queries: [{ expr: errorRatio('', REQUESTS) }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'p99 latency',
        description: 'How slow is the slowest 1% of requests?',
        unit: 's',
        queries: [{ expr: quantile(0.99, '') }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'In flight',
        description: 'Requests being served right now, all instances.',
        unit: 'short',
        queries: [{ expr: `sum(${N.HTTP_SERVER_ACTIVE_REQUESTS}{${SERVICE}})` }],
      }),
    )
    .withRow(new RowBuilder('Rate and errors'))
    .withPanel(
      timeSeries({
        title: 'Request rate by route',
        description: 'Which routes carry the traffic?',
        unit: 'reqps',
        queries: [{ expr: rate(`${D}_count`, REQUESTS, ROUTE), legend: `{{${ROUTE}}}` }],
      }),
    )
    .withPanel(
      timeSeries({
        title: '5xx ratio by route',
        description: 'Which route fails? 0 for routes that answered without a server error.',
        unit: 'percentunit',
        queries: [{ expr: errorRatio(ROUTE, REQUESTS), legend: `{{${ROUTE}}}` }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Request rate: real and synthetic',
        description:
          'How much of the traffic is a load test? Synthetic is perflab load (User-Agent perflab/<version>); the Traffic picker at the top narrows the other request panels.',
        unit: 'reqps',
        width: 24,
        height: 6,
        queries: [
          { expr: `sum(rate(${D}_count{${SERVICE_ROUTE},${SYNTHETIC}=""}[${RATE}]))`, legend: 'real' },
          {
            expr: rate(`${D}_count`, `${SERVICE_ROUTE},${SYNTHETIC}!=""`, SYNTHETIC),
            legend: `synthetic ({{${SYNTHETIC}}})`,
          },
        ],
      }),
    )
    .withRow(new RowBuilder('Duration'))
    .withPanel(
      timeSeries({
        title: 'Latency p50 / p95 / p99 by route',
        description:
          'Which route is slow, and is it all requests or the tail? Dots are exemplars: click one for its trace.',
        unit: 's',
        queries: [
          { expr: quantile(0.5, ROUTE), legend: `p50 {{${ROUTE}}}` },
          { expr: quantile(0.95, ROUTE), legend: `p95 {{${ROUTE}}}` },
          { expr: quantile(0.99, ROUTE), legend: `p99 {{${ROUTE}}}`, exemplar: true },
        ],
      }),
    )
    .withPanel(
      latencyHeatmap({
        title: 'Latency heatmap',
        description:
          'Where do request durations fall over time? Exemplars (dots) are single requests: hover one and open its trace in Jaeger.',
        query: { expr: `sum by (le) (rate(${D}_bucket{${REQUESTS}}[${RATE}]))`, legend: '{{le}}' },
      }),
    )
    .withPanel(
      rankingTable({
        title: 'Slowest routes (p99 over the time range)',
        description: 'Which routes should be looked at first?',
        unit: 's',
        query: {
          expr: `topk(10, histogram_quantile(0.99, sum by (le, ${ROUTE}) (rate(${D}_bucket{${REQUESTS}}[$__range]))))`,
          legend: `{{${ROUTE}}}`,
        },
      }),
    )
    .withPanel(
      timeSeries({
        title: 'In-flight requests and slow requests',
        description:
          'Is work piling up? In-flight requests by instance, and requests over the slow-request threshold per second.',
        unit: 'short',
        queries: [
          {
            expr: `sum by (instance) (${N.HTTP_SERVER_ACTIVE_REQUESTS}{${SERVICE}})`,
            legend: 'in flight {{instance}}',
          },
          { expr: rate(N.HTTP_SERVER_SLOW_REQUESTS, SERVICE_ROUTE, ROUTE), legend: `slow/s {{${ROUTE}}}` },
        ],
      }),
    );
}
