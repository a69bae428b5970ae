import type { ProgressSnapshot } from '../types.js';
import { fmtMs } from './table.js';

const BAR = 24;

/**
 * Pure: one progress line. On a TTY it is a bar meant to be redrawn in
 * place; otherwise a plain line for CI logs.
 */
export function formatProgress(s: ProgressSnapshot, tty: boolean): string {
  const secs = (ms: number): string => `${Math.round(ms / 1000)}s`;
  const stats = `${s.rps} req/s  p99 ${fmtMs(s.p99)} ms  errors ${s.errors}  in flight ${s.inFlight}`;
  if (s.warmingUp)
    return tty ? `warming up…  ${s.inFlight} in flight` : `warming up, ${s.inFlight} in flight`;
  if (!tty) {
    const left = s.remainingMs === undefined ? '' : `, ${secs(s.remainingMs)} left`;
    return `${secs(s.elapsedMs)} elapsed${left}: ${s.requests} requests, ${stats.replace(/ {2}/g, ', ')}`;
  }
  // Whole ms: elapsed and remaining come from float clock readings, and their
  // sum can fall a hair short of the planned window (2499.9999999998 ms would
  // show a 2.5 s run as 2s one tick and 3s the next).
  const total = s.remainingMs === undefined ? undefined : Math.round(s.elapsedMs + s.remainingMs);
  const frac = total ? Math.min(1, s.elapsedMs / total) : 0;
  const filled = Math.round(frac * BAR);
  const bar = total ? `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}]` : '[running]';
  const time = total ? `${secs(s.elapsedMs)}/${secs(total)}` : secs(s.elapsedMs);
  return `${bar} ${time}  ${stats}`;
}
