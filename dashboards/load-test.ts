import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as RW from '../loadtests/outputs/remote-write/metric-names.js';
import * as N from '../probes/metric-names.js';
import { perflabDashboard } from './lib/dashboard.js';
import { statPanel, timeSeries } from './lib/panels.js';
import { datasourceVariable, labelVariable, RATE, SERVICE_ROUTE, serviceVariables } from './lib/variables.js';
import { errorRatio } from './service-overview.js';

/** `$testid`: the variable is named after the label it picks. */
const TEST = `${RW.LABEL_TESTID}=~"$${RW.LABEL_TESTID}"`;
const EP = RW.LABEL_ENDPOINT;
const D = RW.LOAD_REQUEST_DURATION;
const S = N.HTTP_SERVER_REQUEST_DURATION;
const ROUTE = N.LABEL_ROUTE;
/** The server's view of the load alone: requests perflab sent (User-Agent perflab/<version>). */
const SERVED = `${SERVICE_ROUTE},${N.LABEL_USER_AGENT_SYNTHETIC_TYPE}="${N.SYNTHETIC_TEST}"`;
const clientQuantile = (q: number): string =>
  `histogram_quantile(${q}, sum by (le, ${EP}) (rate(${D}_bucket{${TEST}}[${RATE}])))`;
const serverQuantile = (q: number): string =>
  `histogram_quantile(${q}, sum by (le, ${ROUTE}) (rate(${S}_bucket{${SERVED}}[${RATE}])))`;

export const LOAD_TEST_UID = 'perflab-load-test';

/**
 * A perflab run as its generators saw it (remote write, summed over
 * generators) beside the server's view of the same time: the gap between
 * the two is queueing outside the app (network, proxies, the generator).
 */
export function loadTest() {
  return perflabDashboard({
    uid: LOAD_TEST_UID,
    title: 'perflab / Load test',
    source: 'dashboards/load-test.ts',
    about: 'Client-side figures of `perflab run --prometheus-rw` by test id, beside the server-side view.',
  })
    .variables([
      datasourceVariable(),
      labelVariable(RW.LABEL_TESTID, RW.LABEL_TESTID, RW.LOAD_REQUESTS, 'Test id'),
      ...serviceVariables(),
    ])
    .withRow(new RowBuilder('The run'))
    .withPanel(
      statPanel({
        title: 'Requests sent',
        description: 'Measured requests of the test so far, all generators (matches result.json at the end).',
        unit: 'short',
        queries: [{ expr: `sum(${RW.LOAD_REQUESTS}{${TEST}})` }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Errors',
        description:
          'Failed requests of the test so far: non-2xx, failed checks, timeouts, transport errors.',
        unit: 'short',
        queries: [{ expr: `sum(${RW.LOAD_ERRORS}{${TEST}})` }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Generators',
        description: 'How many perflab processes write this test id.',
        unit: 'short',
        queries: [{ expr: `count(count by (${RW.LABEL_GENERATOR}) (${RW.LOAD_IN_FLIGHT}{${TEST}}))` }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Client p99',
        description: 'The slowest 1% as the generators measured them, from the scheduled send time.',
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.99, sum by (le) (rate(${D}_bucket{${TEST}}[${RATE}])))` }],
      }),
    )
    .withRow(new RowBuilder('Client side (perflab)'))
    .withPanel(
      timeSeries({
        title: 'Client request rate by endpoint',
        description: 'Is the generator sending what was asked?',
        unit: 'reqps',
        queries: [
          { expr: `sum by (${EP}) (rate(${RW.LOAD_REQUESTS}{${TEST}}[${RATE}]))`, legend: `{{${EP}}}` },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Client latency p95 / p99 by endpoint',
        description: 'Latency as users would see it, summed over generators before the percentile.',
        unit: 's',
        queries: [
          { expr: clientQuantile(0.95), legend: `p95 {{${EP}}}` },
          { expr: clientQuantile(0.99), legend: `p99 {{${EP}}}` },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Client errors per second by kind',
        description: 'What fails: non2xx, checkFailed, timeout, refused, reset, other.',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (${RW.LABEL_ERROR_TYPE}) (rate(${RW.LOAD_ERRORS}{${TEST}}[${RATE}]))`,
            legend: `{{${RW.LABEL_ERROR_TYPE}}}`,
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'In flight and send lag by generator',
        description:
          'Is the generator keeping up? Send lag is how late the worst arrival of each second left (open model).',
        unit: 'short',
        queries: [
          {
            expr: `sum by (${RW.LABEL_GENERATOR}) (${RW.LOAD_IN_FLIGHT}{${TEST}})`,
            legend: `in flight {{${RW.LABEL_GENERATOR}}}`,
          },
          {
            expr: `max by (${RW.LABEL_GENERATOR}) (${RW.LOAD_SEND_LAG}{${TEST}}) * 1000`,
            legend: `send lag ms {{${RW.LABEL_GENERATOR}}}`,
          },
        ],
      }),
    )
    .withRow(new RowBuilder('Server side (probes): perflab requests only, same time range'))
    .withPanel(
      timeSeries({
        title: 'Server request rate by route',
        description:
          'What the service received from perflab (real traffic left out); compare with the client rate above.',
        unit: 'reqps',
        queries: [
          { expr: `sum by (${ROUTE}) (rate(${S}_count{${SERVED}}[${RATE}]))`, legend: `{{${ROUTE}}}` },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Server latency p95 / p99 by route',
        description: 'Time inside the service; the gap to the client percentiles is time outside it.',
        unit: 's',
        queries: [
          { expr: serverQuantile(0.95), legend: `p95 {{${ROUTE}}}` },
          { expr: serverQuantile(0.99), legend: `p99 {{${ROUTE}}}`, exemplar: true },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Server 5xx ratio by route',
        description: 'Which of the client errors are the server failing (not a check or a 4xx)?',
        unit: 'percentunit',
        queries: [{ expr: errorRatio(ROUTE, SERVED), legend: `{{${ROUTE}}}` }],
      }),
    );
}
