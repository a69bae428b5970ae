import type { Registry } from 'prom-client';

/** A value line as prom-client's Registry renders it. */
interface ValueLine {
  labels: Record<string, LabelValue>;
  sharedLabels?: Record<string, LabelValue>;
  value: number;
  metricName: string;
  exemplar?: { labelSet: Record<string, string>; value: number; timestamp: number } | null;
}

/** What prom-client's Registry reads from a metric. */
interface MetricData {
  name: string;
  help: string;
  type: 'histogram';
  values: ValueLine[];
  aggregator: 'sum';
}

/*
 * A histogram for the per-request hot path, registered into a prom-client
 * Registry and rendered by it exactly as a prom-client Histogram is (same
 * `_bucket{le=...}`, `_sum`, `_count` lines and OpenMetrics exemplars).
 *
 * Why not prom-client's own: its observe() validates every label, hashes the
 * label object into a sorted string key, and with exemplars enabled does all
 * of that twice plus an object per exemplar; about 2-3 µs an observation, and
 * the order-history route makes five. Here a series is found through nested
 * Maps keyed by the label values themselves (no key string is built), the
 * bucket counts live in a typed array, and an exemplar overwrites fields of
 * the bucket's slot in place. The label values come from bounded sets (route
 * templates, methods, statuses, SQL operations and tables), so cardinality is
 * the caller's guarantee, as with prom-client.
 */

type LabelValue = string | number;

interface Exemplar {
  traceId: string;
  spanId: string;
  value: number;
  /** Date.now() in ms. */
  at: number;
}

/** One label combination. Internal; callers get it from series(). */
export interface Series {
  readonly labels: Record<string, LabelValue>;
  /** Per-bucket (not cumulative) counts; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
  readonly exemplars: (Exemplar | undefined)[] | undefined;
}

export interface LeanHistogramConfig {
  name: string;
  help: string;
  /** One to six label names, in the order series() takes their values. */
  labelNames: readonly string[];
  buckets: readonly number[];
  exemplars: boolean;
  registry: Registry;
}

type Level = Map<LabelValue, Level | Series>;

export class LeanHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly labelNames: readonly string[];
  private readonly bounds: Float64Array;
  private readonly le: readonly LabelValue[];
  private readonly withExemplars: boolean;
  private root: Level = new Map();
  private all: Series[] = [];

  constructor(c: LeanHistogramConfig) {
    if (c.labelNames.length < 1 || c.labelNames.length > 6) {
      throw new RangeError(`histogram ${c.name}: 1 to 6 label names, got ${c.labelNames.length}`);
    }
    this.name = c.name;
    this.help = c.help;
    this.labelNames = [...c.labelNames];
    this.bounds = Float64Array.from(c.buckets);
    this.le = [...c.buckets, '+Inf'];
    this.withExemplars = c.exemplars;
    c.registry.registerMetric(this as never);
  }

  /**
   * The series for these label values (in labelNames order), made on first
   * use. An empty value leaves its label off the series (an attribute that
   * does not apply, such as `error_type` on a request that succeeded).
   */
  series(
    a: LabelValue,
    b: LabelValue = '',
    c: LabelValue = '',
    d: LabelValue = '',
    e: LabelValue = '',
    f: LabelValue = '',
  ): Series {
    // Unrolled by depth: no key string and no array per call.
    const depth = this.labelNames.length;
    const root = this.root;
    if (depth === 1) return (root.get(a) as Series | undefined) ?? this.create(root, a, [a]);
    let l2 = root.get(a) as Level | undefined;
    if (!l2) root.set(a, (l2 = new Map()));
    if (depth === 2) return (l2.get(b) as Series | undefined) ?? this.create(l2, b, [a, b]);
    let l3 = l2.get(b) as Level | undefined;
    if (!l3) l2.set(b, (l3 = new Map()));
    if (depth === 3) return (l3.get(c) as Series | undefined) ?? this.create(l3, c, [a, b, c]);
    let l4 = l3.get(c) as Level | undefined;
    if (!l4) l3.set(c, (l4 = new Map()));
    if (depth === 4) return (l4.get(d) as Series | undefined) ?? this.create(l4, d, [a, b, c, d]);
    let l5 = l4.get(d) as Level | undefined;
    if (!l5) l4.set(d, (l5 = new Map()));
    if (depth === 5) return (l5.get(e) as Series | undefined) ?? this.create(l5, e, [a, b, c, d, e]);
    let l6 = l5.get(e) as Level | undefined;
    if (!l6) l5.set(e, (l6 = new Map()));
    return (l6.get(f) as Series | undefined) ?? this.create(l6, f, [a, b, c, d, e, f]);
  }

  /**
   * Records one value; with a sampled trace, it becomes its bucket's exemplar,
   * stamped `atMs` (wall-clock ms, as Date.now() counts them; now when not given).
   */
  observe(s: Series, value: number, traceId?: string, spanId?: string, atMs?: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
    if (traceId !== undefined && spanId !== undefined && s.exemplars) {
      const at = atMs ?? Date.now();
      const e = s.exemplars[i];
      if (e) {
        e.traceId = traceId;
        e.spanId = spanId;
        e.value = value;
        e.at = at;
      } else s.exemplars[i] = { traceId, spanId, value, at };
    }
  }

  /** What prom-client's Registry renders as text (series labels as sharedLabels, `le` first). */
  getForPromString(): MetricData {
    const values: ValueLine[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const s of this.all) {
      let cumulative = 0;
      for (let i = 0; i < this.le.length; i++) {
        cumulative += s.counts[i]!;
        const e = s.exemplars?.[i];
        values.push({
          labels: { le: this.le[i]! },
          sharedLabels: s.labels,
          value: cumulative,
          metricName: bucketName,
          exemplar: e
            ? { labelSet: { trace_id: e.traceId, span_id: e.spanId }, value: e.value, timestamp: e.at / 1000 }
            : null,
        });
      }
      values.push(
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** As prom-client's get(): series labels merged into each value's labels. */
  get(): Promise<MetricData> {
    const data = this.getForPromString();
    data.values = data.values.map(({ sharedLabels, ...rest }) => ({
      ...rest,
      labels: { ...sharedLabels, ...rest.labels },
    }));
    return Promise.resolve(data);
  }

  reset(): void {
    this.root = new Map();
    this.all = [];
  }

  private create(level: Level, key: LabelValue, values: readonly LabelValue[]): Series {
    const labels: Record<string, LabelValue> = {};
    this.labelNames.forEach((n, i) => {
      if (values[i] !== '') labels[n] = values[i]!;
    });
    const s: Series = {
      labels,
      counts: new Float64Array(this.le.length),
      sum: 0,
      count: 0,
      exemplars: this.withExemplars
        ? new Array<Exemplar | undefined>(this.le.length).fill(undefined)
        : undefined,
    };
    level.set(key, s);
    this.all.push(s);
    return s;
  }
}
