import { getHeapStatistics } from 'node:v8';
import { Registry } from 'prom-client';
import { invalidOption, PerflabError } from '../common/perflab-error.js';
import type { ContextMode, ProbesOptions, TracingMode } from './types.js';

/** A bad option of createProbes, or a bad argument to one of the probes' functions. */
export const OPTION_ERROR = 'PERFLAB_E_PROBES_OPTION';
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MODES: readonly TracingMode[] = ['lean', 'auto', 'off'];
export const CONTEXT_MODES: readonly ContextMode[] = ['async-local-storage', 'explicit'];

const KNOWN = new Set<string>([
  'serviceName',
  'tracing',
  'slowRequestMs',
  'slowQueryMs',
  'logLevel',
  'logDestination',
  'accessLog',
  'redact',
  'memoryIntervalMs',
  'heapThresholdBytes',
  'context',
  'defaultMetrics',
  'registry',
  'exemplars',
  'ignorePaths',
  'onRequest',
  'onQuery',
]);

/** Options after validation, with every default filled in. */
export interface ResolvedOptions {
  serviceName: string;
  tracing: TracingMode | undefined;
  slowRequestSeconds: number;
  slowQuerySeconds: number;
  logLevel: (typeof LEVELS)[number];
  logDestination: ProbesOptions['logDestination'];
  accessLog: boolean;
  redact: string[];
  memoryIntervalMs: number;
  heapThresholdBytes: number;
  context: ContextMode | undefined;
  defaultMetrics: boolean;
  registry: Registry;
  exemplars: boolean;
  ignorePaths: Set<string>;
  onRequest: ProbesOptions['onRequest'];
  onQuery: ProbesOptions['onQuery'];
}

type Env = Record<string, string | undefined>;

/**
 * Validates options, fills defaults, then environment variables. Explicit
 * options win over the environment. Throws PerflabError naming the option.
 */
export function resolveOptions(input: unknown, env: Env = process.env): ResolvedOptions {
  if (input === undefined) input = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidOption(OPTION_ERROR, 'options', 'an object', input);
  }
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      throw new PerflabError(
        'PERFLAB_E_PROBES_UNKNOWN_OPTION',
        `unknown option "${key}"; known options: ${[...KNOWN].join(', ')}`,
      );
    }
  }

  const serviceName = o.serviceName ?? nonEmpty(env.OTEL_SERVICE_NAME);
  if (typeof serviceName !== 'string' || serviceName.trim() === '') {
    throw invalidOption(
      OPTION_ERROR,
      'serviceName',
      'a non-empty string (or OTEL_SERVICE_NAME)',
      serviceName,
    );
  }

  const tracing = o.tracing ?? nonEmpty(env.PERFLAB_TRACING);
  if (tracing !== undefined && !MODES.includes(tracing as TracingMode)) {
    throw invalidOption(OPTION_ERROR, 'tracing', `one of ${MODES.join(', ')}`, tracing);
  }

  const context = o.context ?? nonEmpty(env.PERFLAB_CONTEXT);
  if (context !== undefined && !CONTEXT_MODES.includes(context as ContextMode)) {
    throw invalidOption(
      OPTION_ERROR,
      o.context === undefined ? 'PERFLAB_CONTEXT' : 'context',
      `one of ${CONTEXT_MODES.join(', ')}`,
      context,
    );
  }

  const logLevel = o.logLevel ?? nonEmpty(env.LOG_LEVEL) ?? 'info';
  if (!LEVELS.includes(logLevel as (typeof LEVELS)[number])) {
    throw invalidOption(OPTION_ERROR, 'logLevel', `one of ${LEVELS.join(', ')}`, logLevel);
  }

  const dest = o.logDestination;
  if (
    dest !== undefined &&
    typeof dest !== 'string' &&
    !(typeof dest === 'number' && Number.isInteger(dest) && dest >= 0) &&
    !(typeof dest === 'object' && dest !== null && typeof (dest as { write?: unknown }).write === 'function')
  ) {
    throw invalidOption(
      OPTION_ERROR,
      'logDestination',
      'a stream with write(), a file path or a file descriptor',
      dest,
    );
  }

  const redact = o.redact ?? [];
  if (!Array.isArray(redact) || !redact.every((p) => typeof p === 'string' && p !== '')) {
    throw invalidOption(OPTION_ERROR, 'redact', 'an array of non-empty strings', redact);
  }
  const ignorePaths = o.ignorePaths ?? ['/metrics'];
  if (!Array.isArray(ignorePaths) || !ignorePaths.every((p) => typeof p === 'string' && p.startsWith('/'))) {
    throw invalidOption(OPTION_ERROR, 'ignorePaths', 'an array of paths starting with "/"', ignorePaths);
  }

  const registry = o.registry ?? new Registry();
  if (!(registry instanceof Registry)) {
    throw invalidOption(OPTION_ERROR, 'registry', 'a prom-client Registry', registry);
  }

  return {
    serviceName,
    tracing: tracing as TracingMode | undefined,
    slowRequestSeconds: number(o, env, 'slowRequestMs', 'PERFLAB_SLOW_REQUEST_MS', 1000) / 1000,
    slowQuerySeconds: number(o, env, 'slowQueryMs', 'PERFLAB_SLOW_QUERY_MS', 100) / 1000,
    logLevel: logLevel as (typeof LEVELS)[number],
    logDestination: dest as ProbesOptions['logDestination'],
    accessLog: bool(o, env, 'accessLog', 'PERFLAB_ACCESS_LOG', false),
    redact: redact as string[],
    memoryIntervalMs: number(o, env, 'memoryIntervalMs', 'PERFLAB_MEMORY_INTERVAL_MS', 60_000),
    heapThresholdBytes: number(
      o,
      env,
      'heapThresholdBytes',
      'PERFLAB_HEAP_THRESHOLD_BYTES',
      Math.floor(getHeapStatistics().heap_size_limit * 0.9),
    ),
    context: context as ContextMode | undefined,
    defaultMetrics: bool(o, env, 'defaultMetrics', undefined, true),
    registry,
    exemplars: bool(o, env, 'exemplars', undefined, true),
    ignorePaths: new Set(ignorePaths as string[]),
    onRequest: fn(o, 'onRequest') as ProbesOptions['onRequest'],
    onQuery: fn(o, 'onQuery') as ProbesOptions['onQuery'],
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function number(o: Record<string, unknown>, env: Env, key: string, envKey: string, fallback: number): number {
  let value: unknown = o[key];
  let name = key;
  if (value === undefined) {
    const raw = nonEmpty(env[envKey]);
    if (raw === undefined) return fallback;
    value = Number(raw);
    name = envKey;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidOption(OPTION_ERROR, name, 'a finite number >= 0', name === key ? value : env[envKey]);
  }
  return value;
}

function bool(
  o: Record<string, unknown>,
  env: Env,
  key: string,
  envKey: string | undefined,
  fallback: boolean,
): boolean {
  const value = o[key];
  if (value === undefined) {
    const raw = envKey === undefined ? undefined : nonEmpty(env[envKey]);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw invalidOption(OPTION_ERROR, envKey as string, '"true" or "false"', raw);
  }
  if (typeof value !== 'boolean') throw invalidOption(OPTION_ERROR, key, 'a boolean', value);
  return value;
}

function fn(o: Record<string, unknown>, key: string): unknown {
  const value = o[key];
  if (value !== undefined && typeof value !== 'function')
    throw invalidOption(OPTION_ERROR, key, 'a function', value);
  return value;
}
