/**
 * The query keys whose values never reach `url.query` on a server span: the
 * semconv default list (cloud signed-URL signatures and credentials), then
 * our own for credentials apps commonly put in query strings. Matched
 * case-sensitively, as semconv asks; the key stays and its value becomes
 * `REDACTED` (`q=shoes&token=REDACTED`).
 */
export const SENSITIVE_QUERY_KEYS: readonly string[] = [
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'AWSAccessKeyId',
  'Signature',
  'sig',
  'X-Goog-Signature',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'key',
  'secret',
  'client_secret',
];

export const REDACTED = 'REDACTED';

const SENSITIVE = new Set(SENSITIVE_QUERY_KEYS);

/**
 * A raw query string (without `?`) with the values of sensitive keys
 * replaced. Keys are compared percent-decoded (`api%5Fkey` is `api_key`), the
 * rest of the string is kept byte for byte.
 */
export function redactQuery(query: string): string {
  let out: string[] | undefined;
  const parts = query.split('&');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    if (!SENSITIVE.has(decodeKey(rawKey))) continue;
    (out ??= parts.slice())[i] = `${rawKey}=${REDACTED}`;
  }
  return out ? out.join('&') : query;
}

function decodeKey(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw; // a malformed escape: compare as sent
  }
}
