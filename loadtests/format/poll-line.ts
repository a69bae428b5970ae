import type { EndpointResult } from '../types.js';

/** What a poll line needs of a step: its polls counted once each, and the requests behind them. */
export type PolledStep = Pick<EndpointResult, 'requests' | 'polls'>;

/**
 * One poll step's line: its latency is the time to the condition, and the HTTP
 * requests behind its polls are said, lest one be read as the other. The text
 * summary, summary.md and report.html all print this sentence.
 */
export function pollLine(step: string, ep: PolledStep): string | undefined {
  if (!ep.polls || ep.requests === 0) return undefined;
  const mean = (ep.polls.attempts / ep.requests).toFixed(1);
  return (
    `${step} polls until its condition: latency is the time to it; ` +
    `${ep.polls.attempts} requests for ${ep.requests} polls (${mean} per poll, at most ${ep.polls.max})`
  );
}

/** The poll lines of every polling step, in the steps' order; none for a run without one. */
export function pollLines(endpoints: Readonly<Record<string, PolledStep>>): string[] {
  return Object.entries(endpoints).flatMap(([step, ep]) => pollLine(step, ep) ?? []);
}

/**
 * Each step's polls over several runs: requests and attempts add up, `max` is
 * the largest, as merging the runs' results would give.
 */
export function pollsAcross(
  runs: readonly { endpoints: Readonly<Record<string, PolledStep>> }[],
): Record<string, PolledStep> {
  const out: Record<string, { requests: number; polls: { attempts: number; max: number } }> = {};
  for (const r of runs) {
    for (const [step, ep] of Object.entries(r.endpoints)) {
      if (!ep.polls) continue;
      const acc = (out[step] ??= { requests: 0, polls: { attempts: 0, max: 0 } });
      acc.requests += ep.requests;
      acc.polls.attempts += ep.polls.attempts;
      acc.polls.max = Math.max(acc.polls.max, ep.polls.max);
    }
  }
  return out;
}
