/**
 * Parsers for the security settings that arrive as env strings. Each throws
 * an Error whose message says what was expected; config.ts turns that into a
 * PERFLAB_E_CONFIG naming the variable.
 */

import { isIP } from 'node:net';
import express from 'express';

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
  const ranges: Range[] = [];
  for (const entry of entries) {
    if (TRUST_NAMES.has(entry)) continue;
    if (/\/0+$/.test(entry))
      throw new Error(`"${entry.slice(0, 50)}" covers every address; list the proxies`);
    const range = ADDRESS.test(entry) ? parseSubnet(entry) : undefined;
    if (!range) {
      throw new Error(
        `"${entry.slice(0, 50)}" is not loopback/linklocal/uniquelocal, an address or a subnet`,
      );
    }
    ranges.push(range);
  }
  // Like "true", a list that covers every client lets any client pick its own address.
  if (covers(ranges, ALL_IPV4) || covers(ranges, ALL_IPV6)) {
    throw new Error('the list covers every address, which trusts every client like "true"; list the proxies');
  }
  // Express compiles the list itself (proxy-addr); whatever it would refuse at start is refused here.
  try {
    express().set('trust proxy', entries);
  } catch (err) {
    throw new Error(`"${value.slice(0, 50)}" is refused by Express: ${(err as Error).message}`);
  }
  return entries;
}

/** An inclusive range of the IPv6 space; IPv4 lives in it as ::ffff:a.b.c.d, as proxy-addr matches it. */
interface Range {
  from: bigint;
  to: bigint;
}

const IPV4_MAPPED = 0xffffn << 32n;
const ALL_IPV4: Range = { from: IPV4_MAPPED, to: IPV4_MAPPED + 0xffffffffn };
const ALL_IPV6: Range = { from: 0n, to: (1n << 128n) - 1n };

/** An address or subnet as proxy-addr (Express) would take it, or undefined when it would refuse it. */
function parseSubnet(entry: string): Range | undefined {
  const [address = '', prefixText, extra] = entry.split('/');
  if (extra !== undefined) return undefined;
  const v4 = isIP(address) === 4;
  const base = v4 ? ipv4ToBigInt(address) : isIP(address) === 6 ? ipv6ToBigInt(address) : undefined;
  if (base === undefined) return undefined;
  const bits = v4 ? 32 : 128;
  // proxy-addr refuses a zero-length prefix ("invalid range"), so it is refused here, as a config error.
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 1 || prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const from = (base >> hostBits) << hostBits;
  const to = from + (1n << hostBits) - 1n;
  return v4 ? { from: IPV4_MAPPED + from, to: IPV4_MAPPED + to } : { from, to };
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((n, octet) => (n << 8n) + BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(address: string): bigint | undefined {
  let text = address;
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (tail) {
    const n = ipv4ToBigInt(tail);
    text = `${text.slice(0, -tail.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...headGroups, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...restGroups];
  return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** Whether the union of `ranges` contains all of `target`. */
function covers(ranges: readonly Range[], target: Range): boolean {
  let next = target.from;
  for (const r of [...ranges].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
    if (r.from > next) break;
    if (r.to >= next) next = r.to + 1n;
    if (next > target.to) return true;
  }
  return next > target.to;
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
