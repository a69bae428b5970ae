/** How long one readiness answer is reused. Orchestrators probe every few seconds; one second is fresh enough. */
export const READY_CACHE_MS = 1_000;

/**
 * Shares one database round trip among all readiness probes within `ttlMs`
 * (and among the concurrent ones in flight), so /readyz, which is public and
 * outside the API limiter, cannot be used to load the database. The check is
 * given per call, so the probe that does run it uses its own request's db.
 */
export function cachedCheck(ttlMs: number = READY_CACHE_MS, now: () => number = Date.now) {
  let last: { at: number; ok: Promise<boolean> } | undefined;
  return (check: () => Promise<unknown>): Promise<boolean> => {
    const t = now();
    if (!last || t - last.at >= ttlMs) {
      last = {
        at: t,
        ok: check().then(
          () => true,
          () => false,
        ),
      };
    }
    return last.ok;
  };
}
