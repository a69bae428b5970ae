/** Public types of `perflab compare`: what compare.json holds and the report reads. */

export type FigureName = 'p50' | 'p95' | 'p99' | 'mean' | 'rps' | 'errors';
export type Verdict = 'improved' | 'regressed' | 'no significant change' | 'needs more runs';
export type TestMethod = 'mann-whitney' | 'bootstrap' | 'identical';

export interface FigureChange {
  figure: FigureName;
  /** Median of the side's per-run values (the value itself for one run); ms, req/s or % errors. */
  before: number;
  after: number;
  /** after − before, in the figure's unit. */
  delta: number;
  /** after / before − 1 (null when before is 0). For errors, judged on `delta` in percentage points. */
  relative: number | null;
  /** 95% interval of `relative` (of `delta` for errors), when the test gave one. */
  ci?: { low: number; high: number };
  /** Two-sided p-value of the test. */
  p?: number;
  method: TestMethod;
  verdict: Verdict;
  /** With "needs more runs": runs a side the test needs, and (one run a side) requests that would do. */
  needRuns?: number;
  needRequests?: number;
}

/** A server-side figure of both sides; medians across runs. */
export interface ServerChange {
  figure: ServerFigureName;
  before: number | null;
  after: number | null;
  relative: number | null;
}

export type ServerFigureName =
  | 'queriesPerRequest'
  | 'dbTimePerRequestMs'
  | 'dbTimePerQueryMs'
  | 'slowQueriesPerKiloRequest'
  | 'eventLoopLagP99Ms'
  | 'peakHeapBytes'
  | 'peakRssBytes'
  | 'heapGrowthBytesPerSecond'
  | 'poolPendingMean'
  | 'serverP99Ms';

export type CauseId =
  | 'chattier-data-access'
  | 'slower-queries'
  | 'event-loop-cpu'
  | 'memory-growth'
  | 'pool-saturation'
  | 'outside-server';

export interface Cause {
  id: CauseId;
  /** Short and phrased for the direction of the change ("N+1 or chattier data access" / "fewer queries per request"). */
  label: string;
  /** The figures the rule read, with both sides. */
  evidence: ServerChange[];
}

export interface EndpointComparison {
  name: string;
  /** The server route matched to this endpoint, when there is one. */
  route?: string;
  figures: FigureChange[];
  server: ServerChange[];
  /** Overall verdict of the latency figures: the worst significant one wins. */
  verdict: Verdict;
  /** For a significant latency change: every rule that matched, strongest first. */
  causes: Cause[];
}

export interface SideSummary {
  scenario: string;
  model: string;
  runs: number;
  sources: string[];
  node: string;
  machine: string;
  targetVersion?: string;
  flags: Record<string, unknown>;
  durationMs: number;
}

export interface FlagChange {
  flag: string;
  before: unknown;
  after: unknown;
}

export interface GateOutcome {
  metric: FigureName;
  /** The regression allowed, as a fraction (0.1 for 10%; percentage points for errors). */
  threshold: number;
  failed: boolean;
  /** One line per endpoint that regressed past the threshold. */
  failures: string[];
}

export interface CompareResult {
  kind: 'perflab-compare';
  formatVersion: 1;
  createdAt: string;
  alpha: number;
  method: 'mann-whitney' | 'bootstrap';
  before: SideSummary;
  after: SideSummary;
  warnings: string[];
  flagChanges: FlagChange[];
  overall: EndpointComparison;
  endpoints: EndpointComparison[];
  gate?: GateOutcome;
}
