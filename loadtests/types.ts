/**
 * Public types of the perflab load engine. Everything a scenario author, a CLI
 * or a later command (lab, demo, compare) needs to type its code lives here;
 * internal state types stay next to the code that owns them.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** Values captured from earlier responses of the same virtual user. */
export type Vars = Record<string, unknown>;

/** What step templates see when they are rendered. */
export interface StepContext<TData> {
  /** The value `setup()` returned. */
  readonly data: TData;
  /**
   * Captures made by earlier steps. They live as long as the virtual user:
   * across iterations in the closed model, and in the open model with
   * `session: 'user'` (otherwise every open-model iteration is a new user).
   */
  readonly vars: Vars;
  /** Index of the virtual user (the arrival, in the open model without `session: 'user'`). */
  readonly vu: number;
  /** Iteration number within this virtual user, from 0. */
  readonly iteration: number;
}

/** A response as checks and captures see it. `json` is undefined when the body is not JSON. */
export interface StepResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: unknown;
}

type JsonBody = Record<string, unknown> | readonly unknown[] | string | number | boolean | null;

type Template<TData, T> = T | ((ctx: StepContext<TData>) => T);

export type CustomCheck = (res: StepResponse) => boolean | string;

export interface StepCheck {
  /** Accepted status codes; default: any 2xx. */
  status?: number | readonly number[];
  /** Dot paths into the JSON body (`items.0.id`) and the value each must equal, or `true` for "present". */
  json?: Record<string, unknown>;
  /**
   * Free-form checks; return `true` to pass, or a string saying what failed.
   * A record names each one (`{ 'has items': (r) => ... }`): the result keeps a pass rate per name.
   */
  custom?: CustomCheck | Record<string, CustomCheck>;
}

export interface StepDefinition<TData> {
  /** Results are aggregated by this name, not by the raw URL. */
  name: string;
  method?: HttpMethod;
  /** Path relative to the target; a string may use `{{var}}` placeholders from captures. */
  path: Template<TData, string>;
  headers?: Template<TData, Record<string, string>>;
  /** Sent as JSON. At most one of body, form and rawBody. */
  body?: JsonBody | ((ctx: StepContext<TData>) => unknown);
  /** Sent as application/x-www-form-urlencoded. */
  form?: Template<TData, Record<string, string | number | boolean>>;
  /** Sent as it is; set its content-type in `headers` (default text/plain). */
  rawBody?: Template<TData, string>;
  /** Pause after this step, before the next one; overrides the scenario's thinkTime here. */
  thinkTime?: ThinkTime;
  /**
   * Sent only until it has succeeded once for this virtual user (a login):
   * later iterations of the same user skip it and reuse its captures.
   */
  once?: boolean;
  /** Name → dot path into the JSON body, or a function of the response. */
  capture?: Record<string, string | ((res: StepResponse) => unknown)>;
  check?: StepCheck;
  /**
   * Send the request again until its answer shows the state waited for (an
   * order settled). The step's latency is then the time to that state, from
   * its first request's start; the result counts the requests it took.
   */
  poll?: StepPoll;
}

/** How a step waits for a state: ask, and ask again after `intervalMs`, up to `maxAttempts` times. */
export interface StepPoll {
  /**
   * True once the answer shows the state waited for. Runs on answers that
   * passed the step's checks (captures already in `vars`); a failed check ends
   * the step at once, since a poll waits for a state, it does not retry errors.
   */
  until: (res: StepResponse, vars: Vars) => boolean;
  /** Pause after an answer that did not satisfy `until`, before the next request: a positive whole number of ms. */
  intervalMs: number;
  /**
   * Requests at most, the first included; after the last one the step fails
   * with `condition not met after N attempts`. A positive whole number.
   */
  maxAttempts: number;
}

export interface FlowDefinition<TData> {
  name: string;
  /** Relative weight when picking the next flow; default 1. */
  weight?: number;
  steps: readonly StepDefinition<TData>[];
}

/** Milliseconds, or a range a uniform pause is drawn from. */
export type ThinkTime = number | { min: number; max: number };

export interface SetupContext {
  /** Base URL of the target, without trailing slash. */
  readonly target: string;
  /** JSON request helper against the target; throws on non-2xx. */
  request<T = unknown>(
    method: HttpMethod,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T>;
}

export interface ScenarioDefinition<TData = undefined> {
  name: string;
  description: string;
  setup?: (ctx: SetupContext) => Promise<TData> | TData;
  flows: readonly FlowDefinition<TData>[];
  /**
   * Pause between steps (a step's own thinkTime wins). In the closed model a
   * user also pauses after the last step, before its next iteration.
   */
  thinkTime?: ThinkTime;
  /** A cookie jar per virtual user: Set-Cookie answers are sent back as Cookie. Default false. */
  cookies?: boolean;
  /**
   * Open model: `'iteration'` (default) makes every arrival a new virtual
   * user; `'user'` lets arrivals reuse idle users, with their variables,
   * cookies and `once` steps done. The closed model always keeps its users.
   */
  session?: 'iteration' | 'user';
  /** Threshold expressions, e.g. `p95<200ms`; `--threshold` flags add to these. */
  thresholds?: readonly string[];
}

/**
 * A validated scenario, as `defineScenario` returns it. The setup data type
 * is erased here: it only matters inside the definition, and erasing it lets
 * any scenario be passed to `run()`.
 */
export interface Scenario extends ScenarioDefinition<unknown> {
  readonly kind: 'perflab-scenario';
  /** Where it came from: a file path, a bundled name, or a URL. */
  source?: string;
}

export interface Stage {
  durationMs: number;
  /** Arrival rate (iterations per second) reached at the end of the stage. */
  target: number;
}

export type LoadModel =
  | { kind: 'closed'; connections: number }
  | {
      kind: 'open';
      /** Constant rate, or a linear ramp through stages starting from `startRate`. */
      rate?: number;
      stages?: readonly Stage[];
      startRate?: number;
      /** Cap on connections (and iterations in flight) the pool may grow to. */
      maxConnections: number;
      /** Send lag p99 above this marks the generator as not keeping up. */
      maxSendLagMs: number;
      /** Spin instead of sleeping when the next arrival is under 1 ms away: lower send lag, a busy core. */
      preciseTiming?: boolean;
    };

/** One of N generators' share of a plan: `index` from 1 to `count`. */
export interface Segment {
  index: number;
  count: number;
}

export interface RunOptions {
  /** Base URL. A host other than loopback (localhost, 127.0.0.0/8, ::1) also needs `allowRemote`. */
  target: string;
  /** Consent to send load to a host that is not this machine's loopback. Default false. */
  allowRemote?: boolean;
  scenario: Scenario;
  model: LoadModel;
  /** Measured duration, after warm-up. Optional when `requests` is given. */
  durationMs?: number;
  /** Stop after this many measured requests. */
  requests?: number;
  warmupMs?: number;
  timeoutMs?: number;
  thresholds?: readonly string[];
  /** Scrape `<target>/metrics` before, during and after the run. Default true. */
  scrape?: boolean;
  scrapeIntervalMs?: number;
  /** Skip the pre-flight request. Default false. */
  skipPreflight?: boolean;
  /**
   * Run only this segment's share of the plan (every N-th arrival, or its
   * share of connections and requests), so N generators together run exactly
   * the whole plan; merge their results with mergeResults.
   */
  segment?: Segment;
  signal?: AbortSignal;
}

export type ErrorKind = 'timeout' | 'refused' | 'reset' | 'non2xx' | 'checkFailed' | 'other';

export interface LatencySummary {
  /** All in milliseconds, microsecond resolution. */
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface EndpointResult {
  requests: number;
  errors: number;
  errorsByKind: Record<ErrorKind, number>;
  statusCodes: Record<string, number>;
  latency: LatencySummary;
  /** HDR histogram of latency in microseconds, compressed base64. */
  histogram: string;
  /** One request this endpoint sent (`GET /api/products/12`), to match server-side routes. */
  sample?: string;
  /** Pass and fail counts per named check (`status 200`, `json items.0.id`, `capture token`, custom names). */
  checks?: Record<string, { passes: number; fails: number }>;
  /** Why requests failed, most frequent first, at most 5 distinct reasons; `other` counts the rest. */
  failures?: { reasons: { reason: string; count: number }[]; other: number };
  /**
   * A polling step (`poll`): `requests` counts each poll once and `latency` is
   * its time to the condition; `attempts` is the HTTP requests all its polls
   * sent, `max` the most one poll sent.
   */
  polls?: { attempts: number; max: number };
}

export interface SeriesPoint {
  /** Seconds since the measured window started. */
  second: number;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  histogram: string;
}

export interface ProgressSnapshot {
  elapsedMs: number;
  /** Undefined when the run is bounded by a request count only. */
  remainingMs: number | undefined;
  warmingUp: boolean;
  requests: number;
  errors: number;
  rps: number;
  p99: number;
  inFlight: number;
  /** Open model: the worst send lag since the previous tick, in ms. */
  sendLagMs?: number;
}

export interface GeneratorHealth {
  keptUp: boolean;
  reasons: string[];
  /** Open model: how late arrivals were sent (ms), over `samples` measured arrivals. */
  sendLag?: { p50: number; p99: number; max: number; samples?: number };
  dropped: number;
  /** Open model: flow iterations started in the measured window (arrivals less those dropped). */
  flowsStarted?: number;
  maxInFlight: number;
  /** Connections the open model's pool grew to. */
  connections?: number;
  connectionsCap?: number;
  /** Open model, constant rate: the flow rate asked for (flows/s; the name predates the unit). */
  targetRps?: number;
}

/** The histogram bucket a server-side percentile falls in, ms: above `gt`, at most `le` (null: above the last bound). */
export interface QuantileBucket {
  gt: number;
  le: number | null;
}

export interface ServerRouteFigures {
  requests: number;
  /** Interpolated inside the bucket like Prometheus' histogram_quantile: an estimate, not a measurement. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Mean database queries a request of this route ran (probes' queries-per-request histogram). */
  queriesPerRequest?: number | null;
  /** The bucket each percentile falls in: all the histogram really knows (`≤5 ms`). */
  buckets?: { p50: QuantileBucket | null; p95: QuantileBucket | null; p99: QuantileBucket | null };
}

/** One scrape inside the measured window; rates cover the interval since the previous scrape. */
export interface ServerSeriesPoint {
  /** Seconds since the measured window started (the first point is the window-start scrape). */
  second: number;
  requests: number;
  eventLoopLagP99Ms: number | null;
  heapBytes: number | null;
  rssBytes: number | null;
  poolPending: number | null;
  queriesPerRequest: number | null;
  dbTimePerRequestMs: number | null;
}

export interface ServerFigures {
  available: boolean;
  reason?: string;
  scrapes: number;
  requests?: number;
  routes?: Record<string, ServerRouteFigures>;
  slowQueries?: number | null;
  eventLoopLagP99Ms?: number | null;
  peakHeapBytes?: number | null;
  peakRssBytes?: number | null;
  cpuSeconds?: number | null;
  /** How far the first and last scrape fell from the measured window's start and end, ms. */
  window?: { startOffsetMs: number; endOffsetMs: number };
  queriesPerRequest?: number | null;
  dbTimePerRequestMs?: number | null;
  /** Least-squares heap growth across the window's scrapes, bytes. */
  heapGrowthBytes?: number | null;
  poolPendingMean?: number | null;
  poolPendingMax?: number | null;
  series?: ServerSeriesPoint[];
}

export interface ThresholdOutcome {
  expression: string;
  endpoint?: string;
  metric: string;
  actual: number | null;
  passed: boolean;
}

export interface EnvironmentInfo {
  node: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cores: number;
  hostname: string;
  perflabVersion: string;
  target: { url: string; version?: string; flags?: Record<string, unknown> };
}

export type RunStatus = 'complete' | 'interrupted';

export interface RunResult {
  formatVersion: 1;
  scenario: { name: string; description: string; source?: string };
  config: {
    target: string;
    model: LoadModel;
    durationMs?: number;
    requests?: number;
    warmupMs: number;
    timeoutMs: number;
    thresholds: string[];
  };
  environment: EnvironmentInfo;
  status: RunStatus;
  startedAt: string;
  endedAt: string;
  /** Length of the measured window in ms. */
  durationMs: number;
  totals: { requests: number; errors: number; rps: number; errorsByKind: Record<ErrorKind, number> };
  endpoints: Record<string, EndpointResult>;
  latency: LatencySummary;
  histogram: string;
  series: SeriesPoint[];
  generator: GeneratorHealth;
  server: ServerFigures;
  thresholds: ThresholdOutcome[];
  /** Set by `merge`: how many results were combined. */
  mergedFrom?: number;
  /** Which optional fields of this format version the writer knew (see FORMAT_REVISION). */
  formatRevision?: number;
  /** Set by `run --repeat N`: this run's place among the repeats (index from 1). */
  repeat?: { index: number; of: number };
  /** The share of the plan this run sent (`--segment i/N`); the config describes the whole plan. */
  segment?: Segment;
}

export interface RunEvents {
  start: [info: { startedAt: string; model: LoadModel }];
  tick: [snapshot: ProgressSnapshot];
  warmupDone: [];
  done: [result: RunResult];
  /** Every recorded (measured) request, in order; `latencyUs` is absent for transport errors. */
  outcome: [endpoint: string, outcome: { latencyUs?: number; status?: number; error?: ErrorKind }];
}
