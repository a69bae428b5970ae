import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LeanHistogram } from '../../../probes/metrics/lean-histogram.js';
import { DURATION_BUCKETS } from '../../../probes/metric-names.js';

// LeanHistogram must render, through prom-client's own Registry, exactly what
// a prom-client Histogram fed the same observations renders: in Prometheus
// text and in OpenMetrics with exemplars.

const NAMES = [
  'http_request_method',
  'http_route',
  'http_response_status_code',
  'url_scheme',
  'error_type',
  'user_agent_synthetic_type',
] as const;

interface Obs {
  /** An empty value leaves its label off, as prom-client does for a label not given. */
  labels: [string, string, number | '', string, string, string];
  value: number;
  trace?: [string, string];
}

function pair(exemplars: boolean, contentType: string = Registry.PROMETHEUS_CONTENT_TYPE) {
  // The typings omit the constructor's content-type parameter.
  const Typed = Registry as unknown as new (contentType: string) => Registry;
  const theirs = new Typed(contentType);
  const ours = new Typed(contentType);
  const config = { name: 'x_duration_seconds', help: 'Duration.', buckets: [...DURATION_BUCKETS] };
  const reference = new Histogram({
    ...config,
    labelNames: [...NAMES],
    enableExemplars: exemplars,
    registers: [theirs],
  });
  const lean = new LeanHistogram({ ...config, labelNames: NAMES, exemplars, registry: ours });
  const record = (o: Obs): void => {
    const labels: Record<string, string | number> = {};
    NAMES.forEach((n, i) => {
      if (o.labels[i] !== '') labels[n] = o.labels[i]!;
    });
    if (exemplars) {
      reference.observe({
        labels,
        value: o.value,
        exemplarLabels: o.trace ? { trace_id: o.trace[0], span_id: o.trace[1] } : {},
      } as never);
    } else reference.observe(labels, o.value);
    lean.observe(lean.series(...o.labels), o.value, o.trace?.[0], o.trace?.[1]);
  };
  return { theirs, ours, record, lean };
}

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const observation: fc.Arbitrary<Obs> = fc.record(
  {
    labels: fc.tuple(
      fc.constantFrom('GET', 'POST'),
      fc.constantFrom('/api/orders', '/api/orders/:id', 'unmatched'),
      fc.constantFrom(200, 404, 500, '' as const),
      fc.constantFrom('http', 'https'),
      fc.constantFrom('', '500', 'aborted'),
      fc.constantFrom('', 'test'),
    ),
    // Bucket bounds themselves (le is inclusive), values between and beyond them.
    value: fc.oneof(fc.constantFrom(0, ...DURATION_BUCKETS, 11), fc.double({ min: 0, max: 20, noNaN: true })),
    trace: fc.tuple(hex(32), hex(16)),
  },
  { requiredKeys: ['labels', 'value'] },
);

describe('LeanHistogram', () => {
  afterEach(() => vi.useRealTimers());

  it('renders the same Prometheus text as a prom-client Histogram', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (list) => {
        const { theirs, ours, record } = pair(false);
        list.forEach(record);
        expect(await ours.metrics()).toBe(await theirs.metrics());
      }),
      { numRuns: 60 },
    );
  });

  it('renders the same OpenMetrics exemplars (latest per bucket)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (list) => {
        const { theirs, ours, record } = pair(true, Registry.OPENMETRICS_CONTENT_TYPE);
        list.forEach((o, i) => {
          vi.setSystemTime(1_700_000_000_000 + i * 1500);
          record(o);
        });
        const text = await ours.metrics();
        expect(text).toBe(await theirs.metrics());
        if (list.some((o) => o.trace))
          expect(text).toMatch(/ # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\} /);
      }),
      { numRuns: 60 },
    );
  });

  it('matches get() and reset() of prom-client, and ignores non-finite values', async () => {
    const { theirs, ours, record, lean } = pair(false);
    record({ labels: ['GET', '/a', 200, 'http', '', ''], value: 0.02 });
    record({ labels: ['GET', '/a', 200, 'http', '', 'test'], value: 3 });
    lean.observe(lean.series('GET', '/a', 200, 'http', '', ''), Number.NaN);
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
    ours.resetMetrics();
    theirs.resetMetrics();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('supports one, two and four label names and refuses none or more than six', async () => {
    const registry = new Registry();
    const one = new LeanHistogram({
      name: 'one',
      help: 'h',
      labelNames: ['a'],
      buckets: [1],
      exemplars: false,
      registry,
    });
    const two = new LeanHistogram({
      name: 'two',
      help: 'h',
      labelNames: ['a', 'b'],
      buckets: [1],
      exemplars: false,
      registry,
    });
    one.observe(one.series('x'), 0.5);
    two.observe(two.series('x', 'y'), 2);
    two.observe(two.series('x', 'z'), 2);
    const four = new LeanHistogram({
      name: 'four',
      help: 'h',
      labelNames: ['a', 'b', 'c', 'd'],
      buckets: [1],
      exemplars: false,
      registry,
    });
    four.observe(four.series('w', 'x', 'y', 'z'), 0.5);
    four.observe(four.series('w', 'x', '', 'z'), 0.5);
    const text = await registry.metrics();
    expect(text).toContain('one_bucket{le="1",a="x"} 1');
    expect(text).toContain('two_bucket{le="+Inf",a="x",b="y"} 1');
    expect(text).toContain('two_count{a="x",b="z"} 1');
    expect(text).toContain('four_count{a="w",b="x",c="y",d="z"} 1');
    expect(text).toContain('four_count{a="w",b="x",d="z"} 1');
    expect(
      () =>
        new LeanHistogram({ name: 'n', help: 'h', labelNames: [], buckets: [1], exemplars: false, registry }),
    ).toThrow(/1 to 6 label names, got 0/);
    expect(
      () =>
        new LeanHistogram({
          name: 'n',
          help: 'h',
          labelNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
          buckets: [1],
          exemplars: false,
          registry,
        }),
    ).toThrow(/1 to 6 label names, got 7/);
  });
});
