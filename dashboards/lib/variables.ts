import {
  CustomVariableBuilder,
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

/**
 * `$traffic`: all requests, real ones, or perflab's synthetic load, as a
 * regex on `user_agent_synthetic_type` (absent on real traffic). Only the
 * request-duration histogram carries that label, so only its queries take
 * TRAFFIC. The values are fixed (`.*`, `^$`, `.+`), so the proof of every
 * panel substitutes the current one.
 */
export const TRAFFIC_OPTIONS = [
  { text: 'All', value: '.*' },
  { text: 'Real', value: '^$' },
  { text: 'Synthetic', value: '.+' },
] as const;

export function trafficVariable(): CustomVariableBuilder {
  const [all] = TRAFFIC_OPTIONS;
  return new CustomVariableBuilder('traffic')
    .label('Traffic')
    .description('Real requests, or perflab load (User-Agent perflab/<version>), in the request panels.')
    .values(TRAFFIC_OPTIONS.map((o) => `${o.text} : ${o.value}`).join(', '))
    .options(TRAFFIC_OPTIONS.map((o) => ({ text: o.text, value: o.value, selected: o === all })))
    .current({ text: all.text, value: all.value })
    .multi(false)
    .includeAll(false)
    .allowCustomValue(false);
}

/** Narrows request-duration series to the traffic picked in `$traffic`. */
export const TRAFFIC = `${N.LABEL_USER_AGENT_SYNTHETIC_TYPE}=~"$traffic"`;

/** The target selector every server-side query carries. */
export const SERVICE = `${LABEL_JOB}=~"$service",${LABEL_INSTANCE}=~"$instance"`;
/** SERVICE narrowed to the picked routes. */
export const SERVICE_ROUTE = `${SERVICE},${N.LABEL_ROUTE}=~"$route"`;
/** Every rate() uses Grafana's rate interval: at least four scrapes, never a gap. */
export const RATE = '$__rate_interval';
