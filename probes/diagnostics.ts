import type { Logger } from 'pino';

/**
 * The diagnostic channel for probe failures. A failing hook is reported with
 * its name; repeats are rate-limited (the 1st-5th, then every 10^n-th), so a
 * hook that throws on every request cannot flood the log.
 */
export interface Diagnostics {
  report(hook: string, err: unknown): void;
  /** How many failures each hook has had; for tests and /metrics debugging. */
  readonly counts: ReadonlyMap<string, number>;
}

export function createDiagnostics(getLogger: () => Logger | undefined): Diagnostics {
  const counts = new Map<string, number>();
  return {
    counts,
    report(hook, err) {
      const n = (counts.get(hook) ?? 0) + 1;
      counts.set(hook, n);
      if (n > 5 && !isPowerOfTen(n)) return;
      try {
        const logger = getLogger();
        if (logger) logger.warn({ err, hook, failures: n }, `perflab probe hook "${hook}" failed`);
        else process.emitWarning(`perflab probe hook "${hook}" failed: ${String(err)}`);
      } catch {
        // The diagnostic path itself must never throw into the host.
      }
    },
  };
}

function isPowerOfTen(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}

/** Runs fn; any throw goes to diagnostics under `hook` and `fallback` is returned. */
export function safely<T>(diag: Diagnostics, hook: string, fallback: T, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    diag.report(hook, err);
    return fallback;
  }
}
