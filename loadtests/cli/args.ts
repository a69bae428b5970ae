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
    throw new PerflabError(
      E_USAGE,
      `${ambiguous(err as Error, args) ?? (err as Error).message}; see perflab ${command} --help`,
    );
  }
}

/**
 * parseArgs reads `--rate -5` as a flag without its value followed by an
 * option `-5`, and says "ambiguous"; say what to type instead.
 */
function ambiguous(err: Error, args: readonly string[]): string | undefined {
  const given = /Option '([^']+)' argument is ambiguous/.exec(err.message)?.[1];
  if (given === undefined) return undefined;
  const flag = /use '(--[\w-]+)=-XYZ'/.exec(err.message)?.[1] ?? given;
  const at = args.indexOf(given);
  const value = at >= 0 ? args[at + 1] : undefined;
  if (value !== undefined && /^-\d/.test(value))
    return `${flag} must be positive, got "${value}"; did you mean ${flag} ${value.slice(1)}?`;
  return `${flag} needs a value, got "${value ?? ''}", which looks like another option`;
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
