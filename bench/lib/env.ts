/**
 * A whole number from the environment, `fallback` when unset or empty. A
 * value that is not a whole number from `min` to `max` stops the bench
 * (exit 2) with a message naming the variable, instead of running with NaN rounds.
 */
export function envInt(name: string, fallback: number, min = 1, max = Infinity): number {
  return orExit(() => parseEnvInt(name, process.env[name], fallback, min, max));
}

/** What `parse` returns; if it throws, the bench stops (exit 2) with the error's message and no stack. */
export function orExit<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}

/** envInt's rule, throwing instead of exiting. */
export function parseEnvInt(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 1,
  max = Infinity,
): number {
  const raw = value?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Infinity ? `>= ${min}` : `from ${min} to ${max}`;
    throw new Error(`${name} must be a whole number ${range}, got "${raw}"`);
  }
  return n;
}
