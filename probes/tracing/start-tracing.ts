import { diag, DiagConsoleLogger, DiagLogLevel, trace, type Tracer } from '@opentelemetry/api';
import {
  defaultResource,
  envDetector,
  detectResources,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { invalidOption, PerflabError } from '../../common/perflab-error.js';
import { LeanTracer, samplerFromEnv, spanLimitsFromEnv } from './lean-tracer.js';
import { CONTEXT_MODES } from '../options.js';
import {
  getTracingState,
  setTracingState,
  TRACER_NAME,
  TRACER_VERSION,
  type TracingState,
} from './global-tracing-state.js';
import { ServiceResource } from './service-resource.js';
import type { ContextMode, StartTracingOptions, TracerPipeline, TracingHandle } from '../types.js';
import { subscribeUndici } from '../http/undici-client.js';

const PIPELINES: readonly TracerPipeline[] = ['lean', 'sdk'];

const CODE = 'PERFLAB_E_PROBES_TRACING';
type Env = Record<string, string | undefined>;

/**
 * Registers the global tracer provider, context manager (AsyncLocalStorage,
 * unless `context` is `explicit`) and W3C propagators; in `lean` mode it subscribes client spans for undici
 * and fetch, in `auto` mode it loads OpenTelemetry's instrumentations (http,
 * express, pg, ioredis, undici, pino). Call it before express and pg are
 * loaded, as probes/register.ts does. A second call returns the first handle.
 */
export async function startTracing(
  options: StartTracingOptions = {},
  env: Env = process.env,
): Promise<TracingHandle> {
  const mode =
    options.mode ?? (env.OTEL_SDK_DISABLED === 'true' ? 'off' : env.PERFLAB_TRACING?.trim() || 'lean');
  if (mode !== 'lean' && mode !== 'auto' && mode !== 'off') {
    throw invalidOption(CODE, 'mode (PERFLAB_TRACING)', 'one of lean, auto, off', mode);
  }
  const contextMode = options.context ?? (env.PERFLAB_CONTEXT?.trim() || 'async-local-storage');
  if (!CONTEXT_MODES.includes(contextMode as ContextMode)) {
    throw invalidOption(CODE, 'context (PERFLAB_CONTEXT)', `one of ${CONTEXT_MODES.join(', ')}`, contextMode);
  }
  const context = contextMode as ContextMode;
  const pipeline = options.tracer ?? (env.PERFLAB_TRACER?.trim() || 'lean');
  if (!PIPELINES.includes(pipeline as TracerPipeline)) {
    throw invalidOption(CODE, 'tracer (PERFLAB_TRACER)', `one of ${PIPELINES.join(', ')}`, pipeline);
  }
  const tracerKind = pipeline as TracerPipeline;
  if (context === 'explicit' && mode === 'auto') {
    throw new PerflabError(
      CODE,
      'context "explicit" needs tracing mode "lean": the auto-instrumentations find their parent spans through AsyncLocalStorage',
    );
  }
  // Validated before the already-started check, so a bad value is never ignored.
  const existing = getTracingState();
  if (existing) return { ...existing, provider: undefined };
  if (mode === 'off') {
    const noop = async () => {};
    return { mode, context, pipeline: tracerKind, provider: undefined, forceFlush: noop, shutdown: noop };
  }

  if (env.OTEL_LOG_LEVEL) {
    const level = DiagLogLevel[env.OTEL_LOG_LEVEL.toUpperCase() as keyof typeof DiagLogLevel];
    if (level !== undefined) diag.setLogger(new DiagConsoleLogger(), level);
  }

  const serviceName = options.serviceName ?? (env.OTEL_SERVICE_NAME?.trim() || undefined);
  const detected = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(serviceName ? resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }) : null);
  // Unnamed here, the app names it later through createProbes({ serviceName }).
  const unnamed = serviceName ? undefined : new ServiceResource(detected);
  const resource = unnamed ?? detected;

  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  const exporting = options.exporter
    ? batching(options.exporter, options.simpleProcessor)
    : await processorFromEnv(env, options.simpleProcessor, tracerKind);
  if (exporting) processors.push(exporting);
  const sampler = options.sampler ?? samplerFromEnv(env, (message) => diag.warn(message));
  // One set of limits for the SDK provider and LeanTracer: spans other code
  // makes through trace.getTracer() obey the same limits as the probes' own.
  const spanLimits = spanLimitsFromEnv(env);
  const provider = new NodeTracerProvider({ resource, spanProcessors: processors, sampler, spanLimits });
  // Without a context manager, context.with() is a plain call: even the batch
  // processor's export must not switch AsyncLocalStorage on in explicit mode.
  provider.register(context === 'explicit' ? { contextManager: null } : {});
  const global = trace.getTracerProvider() as { getDelegate?: () => unknown };
  if (global.getDelegate?.() !== provider) {
    throw new PerflabError(
      CODE,
      'a global OpenTelemetry tracer provider is already registered in this process',
    );
  }

  let unsubscribe: (() => void) | undefined;
  let disable: (() => void) | undefined;
  let tracer: Tracer | undefined;
  if (mode === 'lean') {
    // The probes' own spans: same processors, sampler and resource as the
    // provider's, made cheaper (see LeanTracer), or the SDK's own tracer.
    // Other code's spans stay the SDK's.
    tracer =
      tracerKind === 'sdk'
        ? provider.getTracer(TRACER_NAME, TRACER_VERSION)
        : new LeanTracer({
            resource,
            instrumentationScope: { name: TRACER_NAME, version: TRACER_VERSION },
            processors,
            sampler,
            limits: spanLimits,
          });
    unsubscribe = subscribeUndici(
      tracer,
      (hook, err) => diag.warn(`perflab probe hook ${hook} failed`, err),
      context === 'explicit',
    );
  } else {
    disable = await registerAuto();
  }

  let stopped = false;
  const state: TracingState = {
    mode,
    context,
    pipeline: tracerKind,
    ...(tracer ? { tracer } : {}),
    ...(unnamed ? { nameService: (name: string) => unnamed.nameService(name) } : {}),
    forceFlush: () => provider.forceFlush().catch((err: unknown) => diag.warn('span flush failed', err)),
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      unsubscribe?.();
      disable?.();
      await provider.shutdown().catch((err: unknown) => diag.warn('tracer shutdown failed', err));
    },
  };
  setTracingState(state);
  return { ...state, provider };
}

function batching(exporter: SpanExporter, simple: boolean | undefined): SpanProcessor {
  return simple ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
}

/**
 * OTLP/HTTP when an endpoint is configured (spans serialized in short runs as they end, see
 * SerializingSpanProcessor; with the `sdk` pipeline, BatchSpanProcessor and the
 * official exporter), the console when OTEL_TRACES_EXPORTER says so,
 * otherwise nothing.
 */
async function processorFromEnv(
  env: Env,
  simple: boolean | undefined,
  pipeline: TracerPipeline,
): Promise<SpanProcessor | undefined> {
  const kind = env.OTEL_TRACES_EXPORTER?.trim();
  if (kind === 'none') return undefined;
  if (kind === 'console') return batching(new ConsoleSpanExporter(), simple);
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  const { SerializedOtlpExporter, otlpProtocolFromEnv } = await import('./otlp/otlp-exporter.js');
  if (pipeline === 'sdk') {
    // The official exporters read the OTEL_EXPORTER_OTLP_* settings themselves.
    const exporter =
      otlpProtocolFromEnv(env) === 'http/json'
        ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
        : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
    return batching(exporter, simple);
  }
  const { SerializingSpanProcessor, batchSettingsFromEnv } = await import('./otlp/serializing-processor.js');
  const settings = batchSettingsFromEnv(env);
  return new SerializingSpanProcessor(
    new SerializedOtlpExporter(otlpProtocolFromEnv(env)),
    simple ? { ...settings, maxExportBatchSize: 1 } : settings,
  );
}

/** Loads the auto-instrumentations only when asked for: they cost memory and CPU. */
async function registerAuto(): Promise<() => void> {
  // ESM imports of express and pg bypass require hooks; import-in-the-middle's
  // loader hook lets the instrumentations see them. It must precede those imports.
  const { register } = await import('node:module');
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [{ registerInstrumentations }, http, express, pg, ioredis, undici, pino] = await Promise.all([
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/instrumentation-pino'),
  ]);
  return registerInstrumentations({
    instrumentations: [
      new http.HttpInstrumentation(),
      new express.ExpressInstrumentation(),
      new pg.PgInstrumentation(),
      new ioredis.IORedisInstrumentation(),
      new undici.UndiciInstrumentation(),
      new pino.PinoInstrumentation(),
    ],
  });
}
