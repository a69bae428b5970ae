export { createProbes } from './create-probes.js';
export { startTracing, type StartTracingOptions, type TracingHandle } from './tracing/start-tracing.js';
export { parseSql, type SqlSummary } from './db/sql-summary.js';
export { redactSecrets, SECRET_KEYS } from './logs/logger.js';
export * as metricNames from './metric-names.js';
export type {
  CacheInstrument,
  ContextMode,
  DbLike,
  InstrumentDbOptions,
  PoolStatsLike,
  Probes,
  ProbesOptions,
  QueryableLike,
  QueryInfo,
  QueryResultLike,
  RequestInfo,
  RequestListener,
  RequestScope,
  RequestStats,
  TracingMode,
} from './types.js';
