import { PerflabError } from '../../common/perflab-error.js';

/** Prints a one-line reason (no stack for expected errors) and exits non-zero. */
export function exitWithError(err: unknown): never {
  const message =
    err instanceof PerflabError
      ? `${err.code}: ${err.message}`
      : err instanceof Error
        ? err.message
        : String(err);
  process.stderr.write(`error: ${message}\n`);
  if (!(err instanceof PerflabError) && process.env.PERFLAB_DEBUG) console.error(err);
  process.exit(2);
}
