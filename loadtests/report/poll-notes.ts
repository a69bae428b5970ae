import { pollLines, pollsAcross } from '../format/poll-line.js';
import type { RunResult } from '../types.js';

/**
 * A compare's poll lines, each side's runs added up and named: a poll step's
 * change is a change in its time to the condition, not in an HTTP latency.
 */
export function comparePollLines(before: readonly RunResult[], after: readonly RunResult[]): string[] {
  return (
    [
      ['before', before],
      ['after', after],
    ] as const
  ).flatMap(([side, runs]) => pollLines(pollsAcross(runs)).map((l) => `${side}: ${l}`));
}
