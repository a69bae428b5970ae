import type { RedisCommander } from '../security/redis-store.js';

/**
 * Revoked token ids (`jti`), each kept until its token would have expired
 * anyway, so the list never outgrows the tokens issued in one TTL.
 */
export interface TokenDenyList {
  /** Refuses the token from now on; `expiresAt` is its `exp` in seconds since the epoch. */
  deny(tokenId: string, expiresAt: number): Promise<void>;
  isDenied(tokenId: string): Promise<boolean>;
  readonly store: 'redis' | 'memory';
}

/** In process memory: revocation holds for this instance only (fine for one instance). */
export function memoryDenyList(now: () => number = Date.now): TokenDenyList {
  const denied = new Map<string, number>();
  const prune = () => {
    const t = now();
    for (const [id, until] of denied) if (until <= t) denied.delete(id);
  };
  return {
    store: 'memory',
    async deny(tokenId, expiresAt) {
      prune();
      denied.set(tokenId, expiresAt * 1000);
    },
    async isDenied(tokenId) {
      const until = denied.get(tokenId);
      return until !== undefined && until > now();
    },
  };
}

/** In Redis under `prefix`, so a logout holds on every instance; each key expires with its token. */
export function redisDenyList(
  redis: RedisCommander,
  prefix: string,
  now: () => number = Date.now,
): TokenDenyList {
  return {
    store: 'redis',
    async deny(tokenId, expiresAt) {
      const ttl = Math.max(1, Math.ceil(expiresAt - now() / 1000));
      await redis.call('SET', `${prefix}${tokenId}`, '1', 'EX', String(ttl));
    },
    async isDenied(tokenId) {
      return Number(await redis.call('EXISTS', `${prefix}${tokenId}`)) === 1;
    },
  };
}
