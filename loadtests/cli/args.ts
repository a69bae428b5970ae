import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { PerflabError } from '../../common/perflab-error.js';
import { parseDuration } from '../engine/duration.js';
import { E_USAGE } from '../error-codes.js';

/** parseArgs, with its TypeErrors turned into usage errors that point at the command's help. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; allowNegative: true; strict: true }>
> {
  try {
    return parseArgs({ args, options, allowPositionals: true, allowNegative: true, strict: true as const });
  } catch (err) {
    throw new PerflabError(E_USAGE, `${(err as Error).message}; see perflab ${command} --help`);
  }
}

export function durationFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined)
    throw new PerflabError(E_USAGE, `--${flag} must be a duration like 500ms, 30s or 2m, got "${value}"`);
  return ms;
}

export function numberFlag(flag: string, value: string | undefined, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new PerflabError(
      E_USAGE,
      `--${flag} must be a positive ${integer ? 'integer' : 'number'}, got "${value}"`,
    );
  }
  return n;
}
