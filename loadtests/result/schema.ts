import { z } from 'zod';

/** Bump when a field changes meaning or is removed; adding optional fields keeps the version. */
export const FORMAT_VERSION = 1;
/**
 * Bumped with each set of optional fields added within a version, so a reader
 * can tell "absent because older" from "absent because not measured".
 * 2: server window edges, per-request DB figures, heap growth, pool pending, server series; repeat.
 * 3: endpoints' polls (steps that poll until a condition).
 */
export const FORMAT_REVISION = 3;

const num = z.number();
const errorsByKind = z.object({
  timeout: num,
  refused: num,
  reset: num,
  non2xx: num,
  checkFailed: num,
  other: num,
});
const latency = z.object({
  min: num,
  mean: num,
  p50: num,
  p90: num,
  p95: num,
  p99: num,
  p999: num,
  max: num,
});
const stage = z.object({ durationMs: num, target: num });
const model = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('closed'), connections: num }),
  z.object({
    kind: z.literal('open'),
    rate: num.optional(),
    stages: z.array(stage).optional(),
    startRate: num.optional(),
    maxConnections: num,
    maxSendLagMs: num,
    preciseTiming: z.boolean().optional(),
  }),
]);
const nullableNum = num.nullable();
const quantileBucket = z.object({ gt: num, le: nullableNum }).nullable();

/** The result.json schema; docs/result-format.md describes each field. */
export const runResultSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  scenario: z.object({ name: z.string(), description: z.string(), source: z.string().optional() }),
  config: z.object({
    target: z.string(),
    model,
    durationMs: num.optional(),
    requests: num.optional(),
    warmupMs: num,
    timeoutMs: num,
    thresholds: z.array(z.string()),
  }),
  environment: z.object({
    node: z.string(),
    platform: z.string(),
    arch: z.string(),
    cpuModel: z.string(),
    cores: num,
    hostname: z.string(),
    perflabVersion: z.string(),
    target: z.object({
      url: z.string(),
      version: z.string().optional(),
      flags: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
  status: z.enum(['complete', 'interrupted']),
  startedAt: z.string(),
  endedAt: z.string(),
  durationMs: num,
  totals: z.object({ requests: num, errors: num, rps: num, errorsByKind }),
  endpoints: z.record(
    z.string(),
    z.object({
      requests: num,
      errors: num,
      errorsByKind,
      statusCodes: z.record(z.string(), num),
      latency,
      histogram: z.string(),
      sample: z.string().optional(),
      checks: z.record(z.string(), z.object({ passes: num, fails: num })).optional(),
      failures: z
        .object({ reasons: z.array(z.object({ reason: z.string(), count: num })), other: num })
        .optional(),
      polls: z.object({ attempts: num, max: num }).optional(),
    }),
  ),
  latency,
  histogram: z.string(),
  series: z.array(
    z.object({
      second: num,
      requests: num,
      errors: num,
      p50: num,
      p95: num,
      p99: num,
      histogram: z.string(),
    }),
  ),
  generator: z.object({
    keptUp: z.boolean(),
    reasons: z.array(z.string()),
    sendLag: z.object({ p50: num, p99: num, max: num, samples: num.optional() }).optional(),
    dropped: num,
    flowsStarted: num.optional(),
    maxInFlight: num,
    connections: num.optional(),
    connectionsCap: num.optional(),
    targetRps: num.optional(),
  }),
  server: z.object({
    available: z.boolean(),
    reason: z.string().optional(),
    scrapes: num,
    requests: num.optional(),
    routes: z
      .record(
        z.string(),
        z.object({
          requests: num,
          p50: nullableNum,
          p95: nullableNum,
          p99: nullableNum,
          queriesPerRequest: nullableNum.optional(),
          buckets: z.object({ p50: quantileBucket, p95: quantileBucket, p99: quantileBucket }).optional(),
        }),
      )
      .optional(),
    slowQueries: nullableNum.optional(),
    eventLoopLagP99Ms: nullableNum.optional(),
    peakHeapBytes: nullableNum.optional(),
    peakRssBytes: nullableNum.optional(),
    cpuSeconds: nullableNum.optional(),
    window: z.object({ startOffsetMs: num, endOffsetMs: num }).optional(),
    queriesPerRequest: nullableNum.optional(),
    dbTimePerRequestMs: nullableNum.optional(),
    heapGrowthBytes: nullableNum.optional(),
    poolPendingMean: nullableNum.optional(),
    poolPendingMax: nullableNum.optional(),
    series: z
      .array(
        z.object({
          second: num,
          requests: num,
          eventLoopLagP99Ms: nullableNum,
          heapBytes: nullableNum,
          rssBytes: nullableNum,
          poolPending: nullableNum,
          queriesPerRequest: nullableNum,
          dbTimePerRequestMs: nullableNum,
        }),
      )
      .optional(),
  }),
  thresholds: z.array(
    z.object({
      expression: z.string(),
      endpoint: z.string().optional(),
      metric: z.string(),
      actual: nullableNum,
      passed: z.boolean(),
    }),
  ),
  mergedFrom: num.optional(),
  formatRevision: num.optional(),
  repeat: z.object({ index: num, of: num }).optional(),
  segment: z.object({ index: num, count: num }).optional(),
});
