/**
 * Base class for every coded error perflab throws. Codes are listed in
 * docs/errors.md; test/common/errors.test.ts fails when one is undocumented.
 */
export class PerflabError extends Error {
  readonly code: string;

  constructor(code: `PERFLAB_E_${string}`, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PerflabError';
    this.code = code;
  }
}

/** Builds the standard "option X must be Y, got Z" message every constructor uses. */
export function invalidOption(
  code: `PERFLAB_E_${string}`,
  option: string,
  expected: string,
  got: unknown,
  hint = '',
): PerflabError {
  return new PerflabError(code, `option "${option}" must be ${expected}, got ${describe(got)}${hint}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}
