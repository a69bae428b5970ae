export { DASHBOARDS, renderDashboard, type DashboardFile } from './dashboards.js';
export { JAEGER_UID, PROMETHEUS_UID } from './lib/datasources.js';
