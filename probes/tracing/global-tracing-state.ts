import type { Tracer } from '@opentelemetry/api';
import type { ContextMode, TracerPipeline, TracingMode } from '../types.js';

/** What startTracing left behind; kept on globalThis so duplicate module copies agree. */
export interface TracingState {
  mode: Exclude<TracingMode, 'off'>;
  context: ContextMode;
  /** The span pipeline: `lean` (LeanTracer and our OTLP writers) or `sdk` (the SDK's, stock). */
  pipeline: TracerPipeline;
  /** The tracer the probes make their spans with (a LeanTracer in lean mode, unless the pipeline is `sdk`). */
  tracer?: Tracer;
  /**
   * Names the resource's service when tracing started without a name (see
   * ServiceResource); absent when it started with one.
   */
  nameService?(name: string): boolean;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

const KEY = Symbol.for('perflab.probes.tracing');

export function getTracingState(): TracingState | undefined {
  return (globalThis as Record<symbol, TracingState | undefined>)[KEY];
}

export function setTracingState(state: TracingState | undefined): void {
  (globalThis as Record<symbol, TracingState | undefined>)[KEY] = state;
}

export const TRACER_NAME = 'perflab-probes';
/** The instrumentation scope's version: the package version (a test keeps them equal). */
export const TRACER_VERSION = '0.1.0';
