import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../target-app/seed.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t?.cleanup());

const sizes = {
  users: 25,
  products: 40,
  orders: 150,
  seedPassword: 'seed-password-1',
  adminPassword: 'admin-password-1',
};

async function snapshot(): Promise<string> {
  const tables = {
    users: 'SELECT id, email, name, role, created_at FROM users ORDER BY id',
    products: 'SELECT * FROM products ORDER BY id',
    orders: 'SELECT * FROM orders ORDER BY id',
    items: 'SELECT * FROM order_items ORDER BY order_id, line_no',
  };
  const out: Record<string, unknown> = {};
  for (const [name, sql] of Object.entries(tables)) out[name] = (await t.db.query(sql)).rows;
  return JSON.stringify(out);
}

describe('seedDatabase', () => {
  it('gives identical data for the same seed and different data for another', async () => {
    await seedDatabase(t.db, { ...sizes, seed: 11 });
    const first = await snapshot();
    await seedDatabase(t.db, { ...sizes, seed: 11 });
    expect(await snapshot()).toBe(first);
    await seedDatabase(t.db, { ...sizes, seed: 12 });
    expect(await snapshot()).not.toBe(first);
  });

  it('creates the requested sizes, the admin, and consistent totals', async () => {
    await seedDatabase(t.db, { ...sizes, seed: 3 });
    const count = async (sql: string) => (await t.db.query<{ n: number }>(sql)).rows[0]?.n;
    expect(await count("SELECT count(*)::int AS n FROM users WHERE role = 'customer'")).toBe(25);
    expect(
      await count(
        "SELECT count(*)::int AS n FROM users WHERE email = 'admin@perflab.local' AND role = 'admin'",
      ),
    ).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM products')).toBe(40);
    expect(await count('SELECT count(*)::int AS n FROM orders')).toBe(150);
    expect(
      await count('SELECT min(c)::int AS n FROM (SELECT count(*) c FROM order_items GROUP BY order_id) x'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await count('SELECT max(c)::int AS n FROM (SELECT count(*) c FROM order_items GROUP BY order_id) x'),
    ).toBeLessThanOrEqual(5);
    const mismatched = await count(`SELECT count(*)::int AS n FROM orders o
      WHERE total_cents <> (SELECT sum(unit_price_cents * quantity) FROM order_items WHERE order_id = o.id)`);
    expect(mismatched).toBe(0);
    const snapshotMismatch =
      await count(`SELECT count(*)::int AS n FROM orders o JOIN users u ON u.id = o.user_id
      WHERE o.user_email <> u.email OR o.user_name <> u.name`);
    expect(snapshotMismatch).toBe(0);
  });

  it('shares one password hash across customers and lets new rows get fresh ids', async () => {
    await seedDatabase(t.db, { ...sizes, seed: 3 });
    const hashes = await t.db.query("SELECT DISTINCT password_hash FROM users WHERE role = 'customer'");
    expect(hashes.rowCount).toBe(1);
    const { rows } = await t.db.query<{ id: number }>(
      "INSERT INTO products (name, price_cents) VALUES ('fresh', 100) RETURNING id",
    );
    expect(rows[0]?.id).toBe(41);
  });
});
