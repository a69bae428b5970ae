import { encodeHistogram, summarize } from '../stats/histogram.js';
import type { Recorder } from '../stats/recorder.js';
import { emptyErrorCounts, ERROR_KINDS } from '../stats/recorder.js';
import { evaluateThresholds } from '../thresholds/evaluate-thresholds.js';
import type { Threshold } from '../thresholds/parse-threshold.js';
import type {
  EndpointResult,
  EnvironmentInfo,
  GeneratorHealth,
  RunResult,
  RunStatus,
  ServerFigures,
} from '../types.js';
import { FORMAT_REVISION, FORMAT_VERSION } from './schema.js';

export interface AggregateInput {
  scenario: RunResult['scenario'];
  config: RunResult['config'];
  environment: EnvironmentInfo;
  status: RunStatus;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  generator: GeneratorHealth;
  server: ServerFigures;
  thresholds: readonly Threshold[];
}

/** Pure: turns a closed recorder and run metadata into a result, thresholds evaluated. */
export function aggregate(recorder: Recorder, input: AggregateInput): RunResult {
  const endpoints: Record<string, EndpointResult> = {};
  const errorsByKind = emptyErrorCounts();
  for (const [name, ep] of [...recorder.endpoints].sort(([a], [b]) => a.localeCompare(b))) {
    for (const kind of ERROR_KINDS) errorsByKind[kind] += ep.errorsByKind[kind];
    endpoints[name] = {
      requests: ep.requests,
      errors: ep.errors,
      errorsByKind: { ...ep.errorsByKind },
      statusCodes: Object.fromEntries(
        [...ep.statusCodes].sort(([a], [b]) => a - b).map(([c, n]) => [String(c), n]),
      ),
      latency: summarize(ep.histogram),
      histogram: encodeHistogram(ep.histogram),
      ...(ep.sample !== undefined ? { sample: ep.sample } : {}),
      ...(ep.checks.size > 0
        ? { checks: Object.fromEntries([...ep.checks].map(([k, c]) => [k, { ...c }])) }
        : {}),
      ...(ep.failures.size > 0
        ? {
            failures: {
              reasons: [...ep.failures]
                .sort(([, a], [, b]) => b - a)
                .map(([reason, count]) => ({ reason, count })),
              other: ep.otherFailures,
            },
          }
        : {}),
      ...(ep.polls ? { polls: { ...ep.polls } } : {}),
    };
  }
  const seconds = input.durationMs / 1000;
  const total = recorder.totalHistogram();
  const result: RunResult = {
    formatVersion: FORMAT_VERSION,
    formatRevision: FORMAT_REVISION,
    scenario: input.scenario,
    config: input.config,
    environment: input.environment,
    status: input.status,
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    durationMs: Math.round(input.durationMs),
    totals: {
      requests: recorder.requests,
      errors: recorder.errors,
      rps: seconds > 0 ? Math.round((recorder.requests / seconds) * 100) / 100 : 0,
      errorsByKind,
    },
    endpoints,
    latency: summarize(total),
    histogram: encodeHistogram(total),
    series: recorder.series,
    generator: withRateCheck(input.generator, seconds),
    server: input.server,
    thresholds: [],
  };
  total.destroy();
  result.thresholds = evaluateThresholds(input.thresholds, result);
  return result;
}

// Below 90% of the nominal open-model rate the numbers describe the generator,
// not the target. Like with like: the rate asked for is flows per second, so
// it is compared with flows started, never with requests (a flow has several).
function withRateCheck(g: GeneratorHealth, seconds: number): GeneratorHealth {
  if (g.targetRps === undefined || g.flowsStarted === undefined || seconds <= 0) return g;
  const achieved = g.flowsStarted / seconds;
  if (achieved >= g.targetRps * 0.9) return g;
  const why = `started ${achieved.toFixed(1)} flows/s of the ${g.targetRps} flows/s asked for`;
  return { ...g, keptUp: false, reasons: [...g.reasons, why] };
}
