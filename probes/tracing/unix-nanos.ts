/** [seconds, nanoseconds] as OTLP's decimal string of nanoseconds since the epoch, without BigInt when normalized. */
export function unixNanos(seconds: number, nanos: number): string {
  const s = Math.trunc(seconds);
  const n = Math.trunc(nanos);
  if (n < 0 || n >= 1e9 || s < 0) return String(BigInt(s) * 1_000_000_000n + BigInt(n)); // not normalized
  return s === 0 ? String(n) : `${s}${String(n).padStart(9, '0')}`;
}
