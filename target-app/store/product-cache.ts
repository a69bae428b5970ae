import { LRUCache } from 'lru-cache';
import type { CacheInstrument } from '../../probes/index.js';
import type { RedisCommander } from '../security/redis-store.js';
import type { Product } from './products.js';

/** The name product lookups carry in the probes' cache_hits_total / cache_misses_total. */
export const PRODUCT_CACHE_NAME = 'products';
export const PRODUCT_CACHE_TTL_MS = 30_000;
const LRU_MAX_ENTRIES = 10_000;

/** A read-through cache of single products: the no_cache flag bypasses it. */
export interface ProductCache {
  readonly kind: 'redis' | 'memory';
  get(id: number): Promise<Product | undefined>;
  set(id: number, product: Product): Promise<void>;
  /** Called on every product write, so a read never sees a stale product for its TTL. */
  invalidate(id: number): Promise<void>;
}

export interface ProductCacheOptions {
  /** Shared Redis (REDIS_URL); without it an in-process LRU. */
  redis?: RedisCommander | undefined;
  /** Key prefix in Redis, so instances of one deployment share and tests do not. */
  prefix: string;
  /** Where hits and misses are counted. */
  metrics?: CacheInstrument | undefined;
  ttlMs?: number;
}

export function createProductCache({
  redis,
  prefix,
  metrics,
  ttlMs = PRODUCT_CACHE_TTL_MS,
}: ProductCacheOptions): ProductCache {
  const counted = (found: Product | undefined): Product | undefined => {
    metrics?.record(PRODUCT_CACHE_NAME, found !== undefined);
    return found;
  };
  if (redis) {
    const key = (id: number) => `${prefix}${id}`;
    return {
      kind: 'redis',
      async get(id) {
        const raw = await redis.call('GET', key(id));
        return counted(typeof raw === 'string' ? (JSON.parse(raw) as Product) : undefined);
      },
      async set(id, product) {
        await redis.call('SET', key(id), JSON.stringify(product), 'PX', String(ttlMs));
      },
      async invalidate(id) {
        await redis.call('DEL', key(id));
      },
    };
  }
  const lru = new LRUCache<number, Product>({ max: LRU_MAX_ENTRIES, ttl: ttlMs });
  return {
    kind: 'memory',
    get: async (id) => counted(lru.get(id)),
    set: async (id, product) => void lru.set(id, product),
    invalidate: async (id) => void lru.delete(id),
  };
}
