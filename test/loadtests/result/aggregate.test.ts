import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../loadtests/format/format-summary.js';
import type { GeneratorHealth } from '../../../loadtests/types.js';
import { fakeResult, latencies } from '../helpers/fake-result.js';

const ALARM = '!!! GENERATOR COULD NOT KEEP UP';

/** An open-model engine report at 100 flows/s asked for, with `flowsStarted` of them started. */
const openGenerator = (flowsStarted: number, extra: Partial<GeneratorHealth> = {}): GeneratorHealth => ({
  keptUp: true,
  reasons: [],
  dropped: 0,
  maxInFlight: 4,
  flowsStarted,
  targetRps: 100,
  ...extra,
});

/** One second of a three-step flow: `flows` iterations, so three times as many requests. */
const threeSteps = (flows: number, generator: GeneratorHealth) =>
  fakeResult(
    { login: latencies(flows, 1), list: latencies(flows, 2), detail: latencies(flows, 3) },
    { seconds: 1, generator },
  );

describe('aggregate: the open model keep-up check', () => {
  it('flags a generator that started under 90% of the flows asked for, naming flows/s', () => {
    // 240 req/s is well above the 100 asked for, but the rate is flows: 80 of 100 is short.
    const r = threeSteps(80, openGenerator(80));
    expect(r.totals.requests).toBe(240);
    expect(r.generator.keptUp).toBe(false);
    expect(r.generator.reasons).toEqual(['started 80.0 flows/s of the 100 flows/s asked for']);
    const text = formatSummary(r);
    expect(text).toContain(ALARM);
    expect(text).toContain('!!!   started 80.0 flows/s of the 100 flows/s asked for');
    expect(text.split('\n')[0]).toContain('open, 100 flows/s (240 req/s measured)');
  });

  it('keeps the reasons the engine gave and adds its own after them', () => {
    const r = threeSteps(
      50,
      openGenerator(50, { keptUp: false, dropped: 7, reasons: ['7 arrivals dropped'] }),
    );
    expect(r.generator.keptUp).toBe(false);
    expect(r.generator.reasons).toEqual([
      '7 arrivals dropped',
      'started 50.0 flows/s of the 100 flows/s asked for',
    ]);
  });

  it('passes a generator at 90% of the rate or more, whatever the requests per flow', () => {
    for (const flows of [90, 100]) {
      const r = threeSteps(flows, openGenerator(flows));
      expect(r.generator.keptUp).toBe(true);
      expect(r.generator.reasons).toEqual([]);
      expect(formatSummary(r)).not.toContain(ALARM);
    }
  });

  it('judges nothing without a nominal rate (stages, the closed model) or without a duration', () => {
    const { targetRps: _rate, ...stages } = openGenerator(10);
    expect(threeSteps(10, stages).generator).toEqual(stages);
    const { flowsStarted: _flows, ...closed } = openGenerator(10);
    expect(threeSteps(10, closed).generator).toEqual(closed);
    const instant = fakeResult({ a: latencies(10, 1) }, { seconds: 0, generator: openGenerator(10) });
    expect(instant.generator.keptUp).toBe(true);
  });
});
