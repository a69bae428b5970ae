import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as N from '../probes/metric-names.js';
import { perflabDashboard } from './lib/dashboard.js';
import { timeSeries } from './lib/panels.js';
import { datasourceVariable, RATE, SERVICE, SERVICE_ROUTE, serviceVariables } from './lib/variables.js';

const DB = N.DB_CLIENT_OPERATION_DURATION;
const OP_TABLE = `${N.LABEL_DB_OPERATION}, ${N.LABEL_DB_COLLECTION}`;
const OP_TABLE_LEGEND = `{{${N.LABEL_DB_OPERATION}}} {{${N.LABEL_DB_COLLECTION}}}`;
const Q = N.HTTP_SERVER_DB_QUERIES;
const ROUTE = N.LABEL_ROUTE;

export const DATABASE_UID = 'perflab-database';

/** Is it the database? Query latency and rate by statement shape, slow queries, N+1, the pool. */
export function database() {
  return perflabDashboard({
    uid: DATABASE_UID,
    title: 'perflab / Database',
    source: 'dashboards/database.ts',
    about: 'Queries by operation and table, slow queries, queries per request and the connection pool.',
  })
    .variables([datasourceVariable(), ...serviceVariables()])
    .withRow(new RowBuilder('Queries'))
    .withPanel(
      timeSeries({
        title: 'Query p95 by operation and table',
        description: 'Which statement shape is slow? Time includes waiting for a pool connection.',
        unit: 's',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (le, ${OP_TABLE}) (rate(${DB}_bucket{${SERVICE}}[${RATE}])))`,
            legend: OP_TABLE_LEGEND,
            exemplar: true,
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Queries per second by operation and table',
        description: 'Which statements run most?',
        unit: 'ops',
        queries: [
          { expr: `sum by (${OP_TABLE}) (rate(${DB}_count{${SERVICE}}[${RATE}]))`, legend: OP_TABLE_LEGEND },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Slow queries per second',
        description: 'Queries over the slow-query threshold (PERFLAB_SLOW_QUERY_MS); the log has their SQL.',
        unit: 'ops',
        queries: [
          {
            expr: `sum by (${OP_TABLE}) (rate(${N.DB_CLIENT_SLOW_QUERIES}{${SERVICE}}[${RATE}]))`,
            legend: OP_TABLE_LEGEND,
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Share of request time spent in queries',
        description: 'Is it the database? Query seconds per request second, all routes.',
        unit: 'percentunit',
        queries: [
          {
            expr: `sum(rate(${DB}_sum{${SERVICE}}[${RATE}])) / sum(rate(${N.HTTP_SERVER_REQUEST_DURATION}_sum{${SERVICE}}[${RATE}]))`,
            legend: 'query time / request time',
          },
        ],
      }),
    )
    .withRow(new RowBuilder('Per request'))
    .withPanel(
      timeSeries({
        title: 'Queries per request by route (mean and p95)',
        description: 'Does a route run a query per item (N+1)? A p95 that grows with page size says so.',
        unit: 'short',
        queries: [
          {
            expr: `sum by (${ROUTE}) (rate(${Q}_sum{${SERVICE_ROUTE}}[${RATE}])) / sum by (${ROUTE}) (rate(${Q}_count{${SERVICE_ROUTE}}[${RATE}]))`,
            legend: `mean {{${ROUTE}}}`,
          },
          {
            expr: `histogram_quantile(0.95, sum by (le, ${ROUTE}) (rate(${Q}_bucket{${SERVICE_ROUTE}}[${RATE}])))`,
            legend: `p95 {{${ROUTE}}}`,
          },
        ],
      }),
    )
    .withRow(new RowBuilder('Connection pool'))
    .withPanel(
      timeSeries({
        title: 'Pool connections: used, idle and pending',
        description:
          'Is the pool the bottleneck? Pending callers wait for a connection; used at the pool size means it is full.',
        unit: 'short',
        queries: [
          {
            expr: `sum by (${N.LABEL_POOL_NAME}, ${N.LABEL_CONNECTION_STATE}) (${N.DB_CLIENT_CONNECTION_COUNT}{${SERVICE}})`,
            legend: `{{${N.LABEL_POOL_NAME}}} {{${N.LABEL_CONNECTION_STATE}}}`,
          },
          {
            expr: `sum by (${N.LABEL_POOL_NAME}) (${N.DB_CLIENT_CONNECTION_PENDING_REQUESTS}{${SERVICE}})`,
            legend: `{{${N.LABEL_POOL_NAME}}} pending`,
          },
        ],
      }),
    );
}
