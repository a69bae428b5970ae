import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../target-app/db/migrate.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t?.cleanup());

describe('migrate', () => {
  it('records each migration once and applies nothing the second time', async () => {
    const { rows } = await t.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toContain('001_init.sql');
    expect(await migrate(t.db)).toEqual([]);
    const again = await t.db.query('SELECT name FROM schema_migrations');
    expect(again.rowCount).toBe(rows.length);
  });

  it('rolls a transaction back when its function throws', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query("INSERT INTO products (name, price_cents) VALUES ('ghost', 1)");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rowCount } = await t.db.query("SELECT 1 FROM products WHERE name = 'ghost'");
    expect(rowCount).toBe(0);
  });

  it('enforces the money and stock constraints in the schema', async () => {
    await expect(t.db.query("INSERT INTO products (name, price_cents) VALUES ('neg', -1)")).rejects.toThrow();
    await expect(
      t.db.query("INSERT INTO products (name, price_cents, stock) VALUES ('neg', 1, -1)"),
    ).rejects.toThrow();
  });
});
