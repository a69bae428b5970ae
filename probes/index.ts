export { createProbes } from './create-probes.js';
export { startTracing } from './tracing/start-tracing.js';
export { parseSql } from './db/sql-summary.js';
export { redactSecrets, SECRET_KEYS } from './logs/logger.js';
export * as metricNames from './metric-names.js';
export type {
  CacheInstrument,
  ContextMode,
  DbConnectionLike,
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
  SqlSummary,
  StartTracingOptions,
  TracerPipeline,
  TracingHandle,
  TracingMode,
} from './types.js';
