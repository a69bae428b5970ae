import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { database } from './database.js';
import { loadTest } from './load-test.js';
import { nodejsRuntime } from './nodejs-runtime.js';
import { serviceOverview } from './service-overview.js';
import { services } from './services.js';

export interface DashboardFile {
  /** File name under dashboards/grafana/. */
  file: string;
  build(): Dashboard;
  /**
   * Its series come only from the services shape (docs/services.md), so the
   * monolith's proof (test/stack/every-panel.test.ts) leaves it to
   * test/stack/services-panels.test.ts.
   */
  servicesOnly?: true;
}

/** Panel ids in layout order, so `viewPanel=` links stay valid across regenerations. */
function withPanelIds(d: Dashboard): Dashboard {
  (d.panels ?? []).forEach((p, i) => (p.id = i + 1));
  return d;
}

/** Every dashboard `npm run dashboards` writes, in menu order. */
export const DASHBOARDS: readonly DashboardFile[] = [
  { file: 'service-overview.json', build: () => withPanelIds(serviceOverview().build()) },
  { file: 'database.json', build: () => withPanelIds(database().build()) },
  { file: 'nodejs-runtime.json', build: () => withPanelIds(nodejsRuntime().build()) },
  { file: 'load-test.json', build: () => withPanelIds(loadTest().build()) },
  { file: 'services.json', build: () => withPanelIds(services().build()), servicesOnly: true },
];

/** The committed text of one dashboard: stable key order from the builder, two-space JSON. */
export function renderDashboard(d: DashboardFile): string {
  return `${JSON.stringify(d.build(), null, 2)}\n`;
}
