import { performance } from 'node:perf_hooks';
import { diag, type Attributes, type AttributeValue, type HrTime, type TimeInput } from '@opentelemetry/api';
import { sanitizeAttributes } from '@opentelemetry/core';
import { unixNanos } from './unix-nanos.js';

/**
 * The value conversions LeanSpan shares with the SDK's span: times as the SDK
 * reads and writes them, attribute values cut and counted as the SDK does.
 */

export function isTimeInput(v: unknown): v is TimeInput {
  return (
    typeof v === 'number' ||
    v instanceof Date ||
    (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number')
  );
}

/** A TimeInput as wall-clock ms: a number not later than performance.now() is a performance timestamp. */
export function toMs(input: TimeInput, clockOffset: number): number {
  if (typeof input === 'number') return input <= performance.now() ? input + clockOffset : input;
  if (input instanceof Date) return input.getTime();
  return input[0] * 1e3 + input[1] / 1e6;
}

/** Same arithmetic as toHrTime(), then as decimal nanoseconds. */
export function msToNanos(ms: number): string {
  const seconds = Math.trunc(ms / 1e3);
  const nanos = Math.round((ms % 1e3) * 1e6);
  return nanos >= 1e9 ? unixNanos(seconds + 1, nanos - 1e9) : unixNanos(seconds, nanos);
}

/** Wall-clock ms as [seconds, nanoseconds], as the SDK's millisToHrTime computes it. */
export function toHrTime(ms: number): HrTime {
  const seconds = Math.trunc(ms / 1e3);
  const nanos = Math.round((ms % 1e3) * 1e6);
  return nanos >= 1e9 ? [seconds + 1, nanos - 1e9] : [seconds, nanos];
}

/**
 * A string, or each string of an array, cut to `limit` characters, as the
 * SDK's span does (a limit of 0 or less is invalid there: warned, not applied).
 */
export function truncate(value: AttributeValue, limit: number): AttributeValue {
  if (limit === Infinity) return value;
  if (limit <= 0) {
    diag.warn(`Attribute value limit must be positive, got ${limit}`);
    return value;
  }
  if (typeof value === 'string') return value.length <= limit ? value : value.substring(0, limit);
  if (Array.isArray(value)) {
    return value.map((v: unknown) =>
      typeof v === 'string' && v.length > limit ? v.substring(0, limit) : v,
    ) as AttributeValue;
  }
  return value;
}

/** An event's or link's attributes, sanitized, counted against `countLimit` and truncated, as the SDK does. */
export function limitedAttributes(
  attributes: Attributes | undefined,
  countLimit: number,
  lengthLimit: number,
): { kept: Attributes; dropped: number } {
  const sanitized = sanitizeAttributes(attributes);
  const kept: Attributes = {};
  let count = 0;
  let dropped = 0;
  for (const key in sanitized) {
    if (!Object.prototype.hasOwnProperty.call(sanitized, key)) continue;
    if (count >= countLimit) {
      dropped++;
      continue;
    }
    kept[key] = truncate(sanitized[key]!, lengthLimit);
    count++;
  }
  return { kept, dropped };
}
