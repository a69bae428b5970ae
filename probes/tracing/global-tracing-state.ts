import type { Tracer } from '@opentelemetry/api';
import type { ContextMode, TracingMode } from '../types.js';

/** What startTracing left behind; kept on globalThis so duplicate module copies agree. */
export interface TracingState {
  mode: Exclude<TracingMode, 'off'>;
  context: ContextMode;
  /** The tracer the probes make their spans with (a LeanTracer in lean mode). */
  tracer?: Tracer;
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
