import { LABEL_CACHE_NAME, LABEL_OVERFLOW } from '../metric-names.js';
import type { ProbeMetrics } from './probe-metrics.js';
import type { Diagnostics } from '../diagnostics.js';
import type { CacheInstrument } from '../types.js';

const MAX_CACHE_NAMES = 50;

/** Hit/miss counters by cache name; at most 50 names, the rest count as `other`. */
export function createCacheInstrument(m: ProbeMetrics, diag: Diagnostics): CacheInstrument {
  const names = new Set<string>();
  const bounded = (name: string): string => {
    if (names.has(name)) return name;
    if (names.size >= MAX_CACHE_NAMES || typeof name !== 'string' || name === '') return LABEL_OVERFLOW;
    names.add(name);
    return name;
  };
  const record = (name: string, hit: boolean): void => {
    try {
      (hit ? m.cacheHits : m.cacheMisses).inc({ [LABEL_CACHE_NAME]: bounded(name) });
    } catch (err) {
      diag.report('cache', err);
    }
  };
  return {
    hit: (name) => record(name, true),
    miss: (name) => record(name, false),
    record,
    async wrap(name, lookup) {
      const value = await lookup();
      record(name, value !== undefined);
      return value;
    },
  };
}
