import { describe, expect, it } from 'vitest';
import { poolQuiet } from '../../../bench/lib/target-db.js';
import type { Db, PoolStats } from '../../../target-app/db/types.js';

/** A db whose pool reports the given stats, one per check, then the last one forever. */
function dbReporting(stats: PoolStats[]): { db: Db; checks: () => number } {
  let n = 0;
  const db = {
    poolStats: () => stats[Math.min(n++, stats.length - 1)]!,
  } as unknown as Db;
  return { db, checks: () => n };
}

const busy: PoolStats = { total: 10, idle: 9, waiting: 0 };
const queued: PoolStats = { total: 10, idle: 10, waiting: 2 };
const idle: PoolStats = { total: 10, idle: 10, waiting: 0 };

// The toggle bench's server closes its pool only once requests cut off at
// shutdown have finished their queries: a query between two checks must
// count, so one quiet check is not enough.
describe('poolQuiet', () => {
  it('waits for two quiet checks in a row, starting over after a busy one', async () => {
    const { db, checks } = dbReporting([busy, idle, queued, busy, idle, idle, busy]);
    await poolQuiet(db, 10_000);
    expect(checks()).toBe(6);
  });

  it('gives up after maxMs when the pool never goes quiet', async () => {
    const { db, checks } = dbReporting([busy]);
    await poolQuiet(db, 100);
    expect(checks()).toBeGreaterThan(0);
    expect(checks()).toBeLessThan(50);
  });
});
