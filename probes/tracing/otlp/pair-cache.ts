/**
 * A memo of each attribute key-value pair's serialized form (OTLP/JSON text
 * or protobuf bytes).
 *
 * Most attributes repeat whole, key and value (db.query.text of the same
 * statement, http.route, status codes, the peer address), so a span's
 * attributes become a few cached pieces instead of half a dozen fresh
 * encodings each. Bounded by entry count: the cache is cleared when full, so
 * unbounded values (paths, ids) cannot grow it. Only strings up to
 * MAX_PAIR_VALUE_LENGTH, numbers and booleans are cached.
 */
export class PairCache<T> {
  private pairs = new Map<string, Map<string | number | boolean, T>>();
  private count = 0;

  constructor(
    private readonly encode: (key: string, value: unknown) => T,
    private readonly maxPairs = 4000,
  ) {}

  get(key: string, value: unknown): T {
    if (!cacheable(value)) return this.encode(key, value);
    let byValue = this.pairs.get(key);
    const cached = byValue?.get(value as string | number | boolean);
    if (cached !== undefined) return cached;
    const out = this.encode(key, value);
    if (this.count >= this.maxPairs) this.clear();
    byValue = this.pairs.get(key);
    if (!byValue) this.pairs.set(key, (byValue = new Map()));
    byValue.set(value as string | number | boolean, out);
    this.count++;
    return out;
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.pairs.clear();
    this.count = 0;
  }
}

const MAX_PAIR_VALUE_LENGTH = 2048;

/** Whether a value's encoding may be kept: strings up to MAX_PAIR_VALUE_LENGTH, numbers, booleans. */
export function cacheable(value: unknown): boolean {
  const t = typeof value;
  return (
    (t === 'string' && (value as string).length <= MAX_PAIR_VALUE_LENGTH) || t === 'number' || t === 'boolean'
  );
}
