import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as N from '../probes/metric-names.js';
import { perflabDashboard } from './lib/dashboard.js';
import { timeSeries } from './lib/panels.js';
import { datasourceVariable, RATE, SERVICE, serviceVariables } from './lib/variables.js';

const BREAKER = N.LABEL_BREAKER;
const RESULT = N.LABEL_SAGA_RESULT;
const CONSUMER = N.LABEL_CONSUMER;
const CONSUMER_TYPE = `${CONSUMER}, ${N.LABEL_EVENT_TYPE}`;
const CONSUMER_TYPE_LEGEND = `{{${CONSUMER}}} {{${N.LABEL_EVENT_TYPE}}}`;

export const SERVICES_UID = 'perflab-services';

/**
 * The services shape (docs/services.md): is an upstream down (breakers), do
 * checkouts settle (saga outcomes and time), does the bus keep up (lag,
 * redeliveries, dead letters)? Only the services export these series, so the
 * monolith's proof leaves this dashboard to test/stack/services-panels.test.ts.
 */
export function services() {
  return perflabDashboard({
    uid: SERVICES_UID,
    title: 'perflab / Services',
    source: 'dashboards/services.ts',
    about: 'The services shape: circuit breakers, checkout saga outcomes and the event bus consumers.',
  })
    .variables([datasourceVariable(), ...serviceVariables()])
    .withRow(new RowBuilder('Circuit breakers'))
    .withPanel(
      timeSeries({
        title: 'Breaker state (0 closed, 1 half-open, 2 open)',
        description:
          'Is an upstream down? 2 means orders stopped calling it: users answers degrade to user: null, catalog ones to 503.',
        unit: 'short',
        queries: [{ expr: `max by (${BREAKER}) (${N.BREAKER_STATE}{${SERVICE}})`, legend: `{{${BREAKER}}}` }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Breaker events per second',
        description:
          'How often do calls fail, time out or get rejected by an open breaker, and are fallbacks served?',
        unit: 'ops',
        queries: [
          {
            expr: `sum by (${BREAKER}, ${N.LABEL_BREAKER_EVENT}) (rate(${N.BREAKER_EVENTS}{${SERVICE}}[${RATE}]))`,
            legend: `{{${BREAKER}}} {{${N.LABEL_BREAKER_EVENT}}}`,
          },
        ],
      }),
    )
    .withRow(new RowBuilder('Checkout saga'))
    .withPanel(
      timeSeries({
        title: 'Saga outcomes per second',
        description:
          'Do checkouts settle, and how many fail (payment declined or stock short, then refunded)?',
        unit: 'ops',
        queries: [
          {
            expr: `sum by (${RESULT}) (rate(${N.SAGA_OUTCOMES}{${SERVICE}}[${RATE}]))`,
            legend: `{{${RESULT}}}`,
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Saga duration p50 and p95 by outcome',
        description:
          'How long from order placed to confirmed or failed? A climb with flat HTTP latency is the bus.',
        unit: 's',
        queries: [
          {
            expr: `histogram_quantile(0.5, sum by (le, ${RESULT}) (rate(${N.SAGA_DURATION}_bucket{${SERVICE}}[${RATE}])))`,
            legend: `p50 {{${RESULT}}}`,
          },
          {
            expr: `histogram_quantile(0.95, sum by (le, ${RESULT}) (rate(${N.SAGA_DURATION}_bucket{${SERVICE}}[${RATE}])))`,
            legend: `p95 {{${RESULT}}}`,
          },
        ],
      }),
    )
    .withRow(new RowBuilder('Event bus'))
    .withPanel(
      timeSeries({
        title: 'Consumer lag by consumer',
        description:
          'Does each consumer keep up? Events waiting after the last one it handled; a steady climb says no.',
        unit: 'short',
        width: 8,
        queries: [
          { expr: `max by (${CONSUMER}) (${N.BUS_CONSUMER_LAG}{${SERVICE}})`, legend: `{{${CONSUMER}}}` },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Redeliveries per second',
        description:
          'Which handler fails or crashes? Each redelivery follows a failed or unacknowledged attempt.',
        unit: 'ops',
        width: 8,
        queries: [
          {
            expr: `sum by (${CONSUMER_TYPE}) (rate(${N.BUS_REDELIVERIES}{${SERVICE}}[${RATE}]))`,
            legend: CONSUMER_TYPE_LEGEND,
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Dead letters in the range',
        description:
          'Which events were given up after the maximum deliveries? Each one is an order the saga did not settle; read them from the dead-letter subject.',
        unit: 'short',
        width: 8,
        queries: [
          {
            expr: `sum by (${CONSUMER_TYPE}) (increase(${N.BUS_DEAD_LETTERS}{${SERVICE}}[$__range]))`,
            legend: CONSUMER_TYPE_LEGEND,
          },
        ],
      }),
    );
}
