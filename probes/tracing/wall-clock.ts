import { performance } from 'node:perf_hooks';

/*
 * Wall-clock time for a performance.now() reading the caller already has.
 *
 * Why: spans and exemplars need wall-clock times, and the probes already read
 * the monotonic clock for every duration. Reading Date.now() beside it for
 * each span and each exemplar was six more clock reads a request on the
 * order-history route (100-160 ns each on this machine). The offset between
 * the two clocks starts as performance.timeOrigin (the wall clock at the
 * monotonic clock's zero, to the microsecond) and is checked against
 * Date.now() at most once per second of monotonic time: when the two disagree
 * by a millisecond or more (an NTP step, or a laptop's suspend, which the
 * monotonic clock does not count), it follows Date.now(). So a step reaches
 * span times within a second of running, to half a millisecond.
 */
const REFRESH_MS = 1000;
const SLACK_MS = 0.05;

let checkedAt = performance.now();
let offset = performance.timeOrigin;

/** Wall-clock ms (as Date.now() counts them) at the performance.now() reading `perf`. */
export function wallMs(perf: number): number {
  if (perf - checkedAt >= REFRESH_MS || perf < checkedAt) {
    checkedAt = performance.now();
    // Date.now() counts whole milliseconds: the true offset is in [low, low + 1),
    // give or take the moment between the two reads (the slack).
    const low = Date.now() - checkedAt;
    if (offset < low - SLACK_MS || offset >= low + 1 + SLACK_MS) offset = low + 0.5;
  }
  return perf + offset;
}
