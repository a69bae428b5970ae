import { expect } from 'vitest';
import type { DashboardFile } from '../../../dashboards/index.js';
import { panelQueries, parseLabelValues } from '../../dashboards/helpers.js';
import type { RunningPrometheus } from '../../helpers/prometheus.js';

// As Grafana escapes a multi-value variable's values: for a regex inside a PromQL string.
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');

/**
 * Grafana's substitution of one dashboard's variables: each query variable
 * set to every value its own query finds (as "All" selected would list
 * them), a custom variable to its current value, intervals as Grafana picks
 * them for a short range.
 */
async function variableSubstitution(
  prom: RunningPrometheus,
  d: DashboardFile,
): Promise<(expr: string) => string> {
  const built = d.build();
  const vars: Record<string, string> = { __rate_interval: '1m', __range: '5m' };
  const substitute = (expr: string): string =>
    expr.replace(/\$\{?(\w+)\}?/g, (m, name: string) => {
      const v = vars[name];
      if (v === undefined) throw new Error(`${d.file}: no value for ${m} in ${expr}`);
      return v;
    });
  for (const variable of built.templating?.list ?? []) {
    if (variable.type === 'custom') {
      const current = variable.current?.value;
      expect(typeof current, `${d.file}: custom variable $${variable.name} has no current value`).toBe(
        'string',
      );
      vars[variable.name] = current as string;
      continue;
    }
    if (variable.type !== 'query') continue;
    const { selector, label } = parseLabelValues(String(variable.query));
    const found = await prom.query(`group by (${label}) (${substitute(selector)})`);
    const values = found.map((s) => s.metric[label] ?? '').filter(Boolean);
    expect(values, `${d.file}: variable $${variable.name} has no values`).not.toEqual([]);
    vars[variable.name] = values.map(escapeRegex).join('|');
  }
  return substitute;
}

/** The panel queries of one dashboard as Grafana would send them. */
export async function resolvedQueries(
  prom: RunningPrometheus,
  d: DashboardFile,
): Promise<Array<{ panel: string; expr: string }>> {
  const substitute = await variableSubstitution(prom, d);
  return panelQueries(d.build()).map((q) => ({ panel: q.panel, expr: substitute(q.expr) }));
}

/** The annotation queries of one dashboard as Grafana would send them. */
export async function resolvedAnnotations(
  prom: RunningPrometheus,
  d: DashboardFile,
): Promise<Array<{ panel: string; expr: string }>> {
  const substitute = await variableSubstitution(prom, d);
  return (d.build().annotations?.list ?? []).flatMap((a) => {
    const expr = (a as { expr?: string }).expr;
    return expr ? [{ panel: `annotation ${a.name}`, expr: substitute(expr) }] : [];
  });
}

const withoutData = async (
  prom: RunningPrometheus,
  file: string,
  queries: Array<{ panel: string; expr: string }>,
): Promise<string[]> => {
  const empty: string[] = [];
  for (const q of queries) {
    const series = await prom.query(q.expr);
    if (!series.some((s) => Number.isFinite(Number(s.value[1]))))
      empty.push(`${file} "${q.panel}": ${q.expr}`);
  }
  return empty;
};

/** Every panel query of `dashboards` that returns no finite value: what Grafana shows as "No data". */
export async function panelsWithoutData(
  prom: RunningPrometheus,
  dashboards: readonly DashboardFile[],
): Promise<string[]> {
  const empty: string[] = [];
  for (const d of dashboards)
    empty.push(...(await withoutData(prom, d.file, await resolvedQueries(prom, d))));
  return empty;
}

/** Every annotation query of `dashboards` that returns nothing: an annotation that never shows. */
export async function annotationsWithoutData(
  prom: RunningPrometheus,
  dashboards: readonly DashboardFile[],
): Promise<string[]> {
  const empty: string[] = [];
  for (const d of dashboards)
    empty.push(...(await withoutData(prom, d.file, await resolvedAnnotations(prom, d))));
  return empty;
}
