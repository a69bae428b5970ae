import type { StepPoll, StepResponse, Vars } from '../types.js';
import type { CheckOutcome, Verdict } from './step-runtime.js';

/**
 * Bounds on `poll`, so that a poll is a wait with a known end: at the maxima
 * one poll pauses at most 999 × 60 s, plus its requests' own time.
 */
export const POLL_LIMITS = { maxIntervalMs: 60_000, maxAttempts: 1_000 } as const;

/** The named check a poll step's result carries: whether `until` was met, for a pass rate. */
export const POLL_CHECK = 'poll until';

export const pollExhaustedReason = (attempts: number): string =>
  `condition not met after ${attempts} attempt${attempts === 1 ? '' : 's'}`;

/**
 * `until` on one answer: met (true), not yet (false), or the reason it threw.
 * A throwing `until` is a scenario bug: it ends the poll as a failed check,
 * never crashes the generator, and is not asked again.
 */
export function pollMet(poll: StepPoll, res: StepResponse, vars: Vars): boolean | string {
  try {
    return poll.until(res, vars) === true;
  } catch (err) {
    return `until threw ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The verdict of a poll's last answer (which passed the step's checks), given pollMet's answer to it. */
export function pollVerdict(verdict: Verdict, met: boolean | string, attempts: number): Verdict {
  const checks: CheckOutcome[] = [...(verdict.checks ?? []), [POLL_CHECK, met === true]];
  if (met === true) return { ...verdict, checks };
  return { error: 'checkFailed', reason: met === false ? pollExhaustedReason(attempts) : met, checks };
}
