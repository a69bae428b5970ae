import type { Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { HeatmapCellLayout } from '@grafana/grafana-foundation-sdk/common';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import { PROMETHEUS_REF } from './datasources.js';

/** One PromQL target; refIds are assigned A, B, C... by the panel helpers. */
export interface Query {
  expr: string;
  legend?: string;
  exemplar?: boolean;
}

export function target(q: Query, refId: string): DataqueryBuilder {
  const b = new DataqueryBuilder().datasource(PROMETHEUS_REF).refId(refId).expr(q.expr).range();
  if (q.legend !== undefined) b.legendFormat(q.legend);
  if (q.exemplar) b.exemplar(true);
  return b;
}

const refId = (i: number): string => String.fromCharCode(65 + i);

interface PanelSpec {
  title: string;
  /** Which question the panel answers; shown as the panel's description. */
  description: string;
  unit: string;
  queries: Query[];
  width?: number;
  height?: number;
}

function withTargets<T extends { withTarget(t: Builder<Dataquery>): T }>(panel: T, queries: Query[]): T {
  queries.forEach((q, i) => panel.withTarget(target(q, refId(i))));
  return panel;
}

export function timeSeries(spec: PanelSpec): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS_REF)
    .unit(spec.unit)
    .min(0)
    .fillOpacity(10)
    .height(spec.height ?? 8)
    .span(spec.width ?? 12);
  return withTargets(p, spec.queries);
}

export function statPanel(spec: PanelSpec): stat.PanelBuilder {
  const p = new stat.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS_REF)
    .unit(spec.unit)
    .height(spec.height ?? 4)
    .span(spec.width ?? 6);
  return withTargets(p, spec.queries);
}

/** A table of one instant query, e.g. a topk() ranking. */
export function rankingTable(spec: Omit<PanelSpec, 'queries'> & { query: Query }): table.PanelBuilder {
  const t = target(spec.query, 'A').format(PromQueryFormat.Table).instant();
  return new table.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS_REF)
    .unit(spec.unit)
    .height(spec.height ?? 8)
    .span(spec.width ?? 12)
    .withTarget(t);
}

/**
 * A latency heatmap from a classic histogram's buckets, with the buckets'
 * exemplars drawn on it: each is a request's trace id, and the Prometheus
 * data source links it to Jaeger (exemplarTraceIdDestinations).
 */
export function latencyHeatmap(
  spec: Omit<PanelSpec, 'unit' | 'queries'> & { query: Query },
): heatmap.PanelBuilder {
  const t = target({ ...spec.query, exemplar: true }, 'A').format(PromQueryFormat.Heatmap);
  return new heatmap.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS_REF)
    .calculate(false)
    .rowsFrame(new heatmap.RowsHeatmapOptionsBuilder().layout(HeatmapCellLayout.Le))
    .yAxis(new heatmap.YAxisConfigBuilder().unit('s'))
    .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme('Oranges'))
    .exemplarsColor('rgba(255,0,255,0.7)')
    .height(spec.height ?? 9)
    .span(spec.width ?? 12)
    .withTarget(t);
}
