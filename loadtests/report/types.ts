import type { CompareResult } from '../compare/types.js';
import type { RunResult } from '../types.js';

/** What a report is made from: one run, a folder of repeated runs, or a compare with both sides' runs. */
export type ReportSource =
  | { kind: 'runs'; runs: RunResult[]; sources: string[] }
  | { kind: 'compare'; compare: CompareResult; before: RunResult[]; after: RunResult[] };

/** A chart's data, column-wise as uPlot takes it: x first, then one array per series. */
export interface ChartData {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** Log-scaled x axis (the percentile distribution). */
  logX?: boolean;
  series: { label: string; color: string }[];
  data: (number | null)[][];
  /** Vertical annotations: where the side or the flags changed. */
  marks: { x: number; label: string }[];
}

export interface ReportTable {
  id: string;
  title: string;
  header: string[];
  rows: string[][];
  /** Lines under the table that qualify some of its rows (a poll step's latency is its time to the condition). */
  notes?: string[];
}

/** Everything report.html shows, as plain data: the page only draws it. */
export interface ReportModel {
  title: string;
  subtitle: string;
  createdAt: string;
  notes: string[];
  charts: ChartData[];
  tables: ReportTable[];
  /** Run configuration and environment, one `key: value` per entry. */
  details: [string, string][];
}
