import { expect } from 'vitest';
import type { DashboardFile } from '../../../dashboards/index.js';
import { panelQueries, parseLabelValues } from '../../dashboards/helpers.js';
import type { RunningPrometheus } from '../../helpers/prometheus.js';

// As Grafana escapes a multi-value variable's values: for a regex inside a PromQL string.
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');

/**
 * The panel queries of one dashboard as Grafana would send them: each query
 * variable set to every value its own query finds (as "All" selected would
 * list them), intervals as Grafana picks them for a short range.
 */
export async function resolvedQueries(
  prom: RunningPrometheus,
  d: DashboardFile,
): Promise<Array<{ panel: string; expr: string }>> {
  const built = d.build();
  const vars: Record<string, string> = { __rate_interval: '1m', __range: '5m' };
  const substitute = (expr: string): string =>
    expr.replace(/\$\{?(\w+)\}?/g, (m, name: string) => {
      const v = vars[name];
      if (v === undefined) throw new Error(`${d.file}: no value for ${m} in ${expr}`);
      return v;
    });
  for (const variable of built.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const { selector, label } = parseLabelValues(String(variable.query));
    const found = await prom.query(`group by (${label}) (${substitute(selector)})`);
    const values = found.map((s) => s.metric[label] ?? '').filter(Boolean);
    expect(values, `${d.file}: variable $${variable.name} has no values`).not.toEqual([]);
    vars[variable.name] = values.map(escapeRegex).join('|');
  }
  return panelQueries(built).map((q) => ({ panel: q.panel, expr: substitute(q.expr) }));
}

/** Every panel query of `dashboards` that returns no finite value: what Grafana shows as "No data". */
export async function panelsWithoutData(
  prom: RunningPrometheus,
  dashboards: readonly DashboardFile[],
): Promise<string[]> {
  const empty: string[] = [];
  for (const d of dashboards) {
    for (const q of await resolvedQueries(prom, d)) {
      const series = await prom.query(q.expr);
      if (!series.some((s) => Number.isFinite(Number(s.value[1]))))
        empty.push(`${d.file} "${q.panel}": ${q.expr}`);
    }
  }
  return empty;
}
