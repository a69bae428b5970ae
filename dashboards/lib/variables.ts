import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import * as N from '../../probes/metric-names.js';
import { DATASOURCE_VAR, PROMETHEUS_REF, PROMETHEUS_UID } from './datasources.js';

/** Prometheus' own target labels: the scrape job names the service. */
export const LABEL_JOB = 'job';
export const LABEL_INSTANCE = 'instance';

const REQUESTS = `${N.HTTP_SERVER_REQUEST_DURATION}_count`;

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DATASOURCE_VAR)
    .label('Data source')
    .type('prometheus')
    .current({ text: 'Prometheus', value: PROMETHEUS_UID });
}

/**
 * A multi-value `label_values()` variable whose All means any value. The
 * test that proves every panel substitutes each variable with what its
 * query finds in a real Prometheus, so the query has to stay this simple.
 */
export function labelVariable(
  name: string,
  label: string,
  selector: string,
  title: string,
): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(title)
    .datasource(PROMETHEUS_REF)
    .query(`label_values(${selector}, ${label})`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

/** `$service` (job), `$instance` and `$route`, each narrowed by the ones before. */
export function serviceVariables(): QueryVariableBuilder[] {
  return [
    labelVariable('service', LABEL_JOB, REQUESTS, 'Service'),
    labelVariable('instance', LABEL_INSTANCE, `${REQUESTS}{${LABEL_JOB}=~"$service"}`, 'Instance'),
    labelVariable(
      'route',
      N.LABEL_ROUTE,
      `${REQUESTS}{${LABEL_JOB}=~"$service",${LABEL_INSTANCE}=~"$instance"}`,
      'Route',
    ),
  ];
}

/** The target selector every server-side query carries. */
export const SERVICE = `${LABEL_JOB}=~"$service",${LABEL_INSTANCE}=~"$instance"`;
/** SERVICE narrowed to the picked routes. */
export const SERVICE_ROUTE = `${SERVICE},${N.LABEL_ROUTE}=~"$route"`;
/** Every rate() uses Grafana's rate interval: at least four scrapes, never a gap. */
export const RATE = '$__rate_interval';
