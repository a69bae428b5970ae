/**
 * The provisioned data sources' fixed uids. Grafana's provisioning
 * (dashboards/grafana-provisioning/datasources/datasources.yml) creates them
 * with these uids; test/stack checks that both sides agree.
 */
export const PROMETHEUS_UID = 'perflab-prometheus';
export const JAEGER_UID = 'perflab-jaeger';

/** Every panel and variable queries the data source picked in `$datasource`. */
export const DATASOURCE_VAR = 'datasource';
export const PROMETHEUS_REF = { type: 'prometheus', uid: `\${${DATASOURCE_VAR}}` } as const;
