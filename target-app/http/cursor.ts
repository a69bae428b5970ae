import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors.js';

/**
 * Opaque keyset cursors: base64url JSON plus an HMAC of it, which the client
 * hands back untouched. A forged or altered cursor is refused before its
 * values are looked at, and the values of a genuine one are checked again
 * (defence in depth: a leaked key must still not reach a database cast).
 *
 * Fields: 'number' is a row id (an int4, 1..2^31-1); 'string' is a
 * timestamp as Date#toISOString writes it, years 0001-9999 (PostgreSQL has
 * no year 0, and Date.parse accepts dates such as 02-30 that it refuses);
 * 'offset' is a row offset (0..2^31-1, the lab's offset paging); 'kind' is a
 * short lowercase word naming the cursor's kind.
 */
export type CursorField = 'string' | 'number' | 'offset' | 'kind';

const MAC_BYTES = 16;
const INT4_MAX = 2_147_483_647;
const ISO_UTC = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const KEY_LABEL = 'perflab cursor v1';

// Until the app configures one, a key of this process: cursors still verify, but not across instances.
let key: Buffer = randomBytes(32);

/**
 * Derives the signing key from an app secret (the JWT secret), so every
 * instance of one deployment accepts the cursors of the others. A process
 * holds one key: apps started in one process with different secrets refuse
 * each other's cursors.
 */
export function configureCursorSecret(secret: string): void {
  key = createHmac('sha256', secret).update(KEY_LABEL).digest();
}

const mac = (body: string): Buffer => createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);

export function encodeCursor(values: readonly (string | number)[]): string {
  const body = Buffer.from(JSON.stringify(values)).toString('base64url');
  return `${body}.${mac(body).toString('base64url')}`;
}

const invalid = (): HttpError =>
  new HttpError(400, 'VALIDATION_FAILED', 'cursor: must be a cursor returned by the API', 'cursor');

const KIND = /^[a-z_]{1,20}$/;

function validField(value: unknown, field: CursorField): boolean {
  if (field === 'number')
    return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= INT4_MAX;
  if (field === 'offset')
    return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= INT4_MAX;
  if (field === 'kind') return typeof value === 'string' && KIND.test(value);
  if (typeof value !== 'string') return false;
  const match = ISO_UTC.exec(value);
  if (!match || Number(match[1]) < 1) return false;
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString() === value;
}

export function decodeCursor(cursor: string, shape: readonly CursorField[]): (string | number)[] {
  const [body, signature, extra] = cursor.split('.');
  if (!body || !signature || extra !== undefined) throw invalid();
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(values) ||
    values.length !== shape.length ||
    !values.every((v, i) => validField(v, shape[i] as CursorField))
  ) {
    throw invalid();
  }
  return values as (string | number)[];
}
