import { describe, expect, it } from 'vitest';
import { GrowingPool } from '../../../loadtests/engine/growing-pool.js';
import type { Slot } from '../../../loadtests/engine/growing-pool.js';

const origin = 'http://127.0.0.1:9';

describe('GrowingPool', () => {
  it('opens at most maxOpening connections at once, then queues', async () => {
    const pool = new GrowingPool(origin, 10, 1000, 2);
    const a = pool.acquire();
    const b = pool.acquire();
    const c = pool.acquire();
    expect(a).not.toBeInstanceOf(Promise);
    expect(b).not.toBeInstanceOf(Promise);
    expect(c).toBeInstanceOf(Promise);
    expect(pool.size).toBe(2);
    expect(pool.queued).toBe(1);
    // The first answer frees an opening budget and hands its connection to the waiter.
    pool.release(a as Slot);
    await expect(c).resolves.toBe(a);
    await pool.close();
  });

  it('grows one connection per busy stall up to the cap, never past it', async () => {
    const pool = new GrowingPool(origin, 3, 1000, 8);
    const held = [pool.acquire(), pool.acquire(), pool.acquire()] as Slot[];
    const waiter = pool.acquire();
    expect(pool.size).toBe(3);
    expect(waiter).toBeInstanceOf(Promise);
    pool.release(held[1] as Slot);
    await expect(waiter).resolves.toBe(held[1]);
    expect(pool.size).toBe(3);
    await pool.close();
  });

  it('reuses idle connections before opening new ones', async () => {
    const pool = new GrowingPool(origin, 5, 1000);
    const a = pool.acquire() as Slot;
    pool.release(a);
    expect(pool.acquire()).toBe(a);
    expect(pool.size).toBe(1);
    await pool.close();
  });
});
