/**
 * Parsers for the security settings that arrive as env strings. Each throws
 * an Error whose message says what was expected; config.ts turns that into a
 * PERFLAB_E_CONFIG naming the variable.
 */

/** Express `trust proxy`: false, a hop count, or named ranges / addresses / subnets. */
export type TrustProxy = false | number | string[];

const TRUST_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const ADDRESS = /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/;
const MAX_HOPS = 10;

/**
 * Parses TRUST_PROXY. "true" is refused: trusting every hop lets any client
 * pick its own X-Forwarded-For, i.e. its own rate-limit key and protocol.
 */
export function parseTrustProxy(raw: string): TrustProxy {
  const value = raw.trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') {
    throw new Error('"true" trusts every client; give the hop count or the proxy addresses/subnets');
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > MAX_HOPS) throw new Error(`a hop count must be 1..${MAX_HOPS}`);
    return hops;
  }
  const entries = value.split(',').map((s) => s.trim());
  for (const entry of entries) {
    if (!TRUST_NAMES.has(entry) && !ADDRESS.test(entry)) {
      throw new Error(
        `"${entry.slice(0, 50)}" is not loopback/linklocal/uniquelocal, an address or a subnet`,
      );
    }
  }
  return entries;
}

/** Parses CORS_ORIGINS: comma-separated exact origins such as https://shop.example.com. */
export function parseOrigins(raw: string): string[] {
  const origins = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    // Only an exact origin: no path, no wildcard, no "null" (sandboxed frames and file: URLs send it).
    if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      throw new Error(`"${origin.slice(0, 80)}" is not an origin like https://shop.example.com`);
    }
  }
  return origins;
}
