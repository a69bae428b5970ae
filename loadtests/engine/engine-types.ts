import type { Outcome } from '../stats/recorder.js';
import type { GeneratorHealth, Scenario } from '../types.js';

/** What the run orchestrator hands to a load model. Internal: not exported from the package. */
export interface EngineInput {
  /** Origin plus optional base path, no trailing slash. */
  target: string;
  scenario: Scenario;
  data: unknown;
  timeoutMs: number;
  /** performance.now() at which load starts (warm-up included). */
  startMs: number;
  /** Total length of the load, warm-up included; engines stop scheduling after it. */
  totalMs: number;
  /**
   * Called for every finished request. `sentAtMs` is the intended send time:
   * the scheduled slot in the open model, the actual write in the closed one.
   * Returns whether it was recorded (false in warm-up or past the window).
   */
  onOutcome(step: string, outcome: Outcome, sentAtMs: number, nowMs: number): boolean;
}

export interface EngineRun {
  /** Resolves when the load has stopped and in-flight requests have settled. */
  readonly done: Promise<GeneratorHealth>;
  /** Stops early (Ctrl-C, request count reached); in-flight requests are abandoned. */
  stop(): void;
  inFlight(): number;
  /** The worst send lag since the last call, in ms (open model only). */
  sendLagMs?(): number;
}

export function splitTarget(target: string): { origin: string; basePath: string } {
  const url = new URL(target);
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}
