import { HttpError } from './errors.js';

/** Opaque keyset cursors: base64url JSON the client hands back untouched. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (
    !Array.isArray(values) ||
    values.length !== shape.length ||
    values.some((v, i) => typeof v !== shape[i])
  ) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'cursor: must be a cursor returned by the API', 'cursor');
  }
  return values as (string | number)[];
}
