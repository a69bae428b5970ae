import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, endpointKey, withValue, type Endpoint } from './catalog.js';
import { startAttack, type Attacker } from './harness.js';

// SQL injection into every string input of every endpoint. Every statement is
// parameterized, so each payload must behave as plain data: never a 500, never
// more rows than the honest query, never a delay.
const SLEEP_SECONDS = 5;
const PAYLOADS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '1 OR 1=1',
  '" OR ""="',
  "admin'--",
  "' UNION SELECT id, email, password_hash, role, created_at FROM users --",
  '0 UNION SELECT NULL, password_hash, NULL, NULL, NULL FROM users',
  "'; DROP TABLE users; --",
  '1; DELETE FROM products',
  "' /* comment */ OR ''='",
  "%' OR name ILIKE '%",
  "'; SELECT pg_sleep(" + SLEEP_SECONDS + '); --',
  "' || pg_sleep(" + SLEEP_SECONDS + ") || '",
  '1 AND (SELECT pg_sleep(' + SLEEP_SECONDS + ')) IS NULL',
  '1) OR pg_sleep(' + SLEEP_SECONDS + ')--',
  "\\'; SELECT 1; --",
  "' AND 1=(SELECT COUNT(*) FROM pg_catalog.pg_tables) --",
  // Not SQL, but a classic way to turn a parameterized query into a 500: text cannot hold NUL.
  "a\u0000'; --",
];
// Well above a normal answer on a loaded machine, well below the payloads' sleep:
// a request that ran pg_sleep would be aborted and fail the test.
const TIMEOUT_MS = (SLEEP_SECONDS - 1) * 1000;

let attack: Attacker;
let honestProducts: number;
let before: Record<string, number>;

const counts = async () => {
  const { rows } = await attack.app.db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM products) AS products,
            (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_items) AS items`,
  );
  return rows[0] as Record<string, number>;
};

beforeAll(async () => {
  attack = await startAttack();
  honestProducts = (await attack.app.request('/api/products?limit=100')).body.items.length;
  before = await counts();
});
afterAll(() => attack?.close());

const created = { users: 0, products: 0 };
const cases = ENDPOINTS.flatMap((e) =>
  e.inputs.map((input) => [endpointKey(e), input.where, input.name, e] as const),
);

describe('SQL injection into every string input', () => {
  it.each(cases)('%s %s.%s', async (_key, where, name, e: Endpoint) => {
    for (const payload of PAYLOADS) {
      const f = await attack.fixture(e);
      const signal = AbortSignal.timeout(TIMEOUT_MS);
      const res =
        where === 'body'
          ? await attack.send(e, f, { body: withValue(e.body?.(f) ?? {}, name, payload), signal })
          : await attack.send(e, f, { override: { where, name, value: payload }, signal });
      const label = `${endpointKey(e)} ${where}.${name} = ${payload}`;
      expect(res.status, label).toBeLessThan(500);

      if (where === 'params') expect([400, 404], label).toContain(res.status);
      if (e.template === '/api/auth/login') expect(res.status, label).not.toBe(200);
      if (res.status === 200 && Array.isArray(res.body?.items)) {
        expect(res.body.items.length, label).toBeLessThanOrEqual(honestProducts);
        if (e.template === '/api/products' && name === 'q') {
          // The only rows a search may return are those whose name contains the text literally.
          for (const p of res.body.items)
            expect(p.name.toLowerCase(), label).toContain(payload.toLowerCase());
        }
      }
      if (res.status === 202 && e.template === '/api/auth/register') {
        // The answer is the same whether or not an account was made; the database says which.
        const email =
          where === 'body' && name === 'email' ? payload.trim().toLowerCase() : String(e.body?.(f).email);
        const { rows } = await attack.app.db.query<{ name: string }>(
          'SELECT name FROM users WHERE email = $1',
          [email],
        );
        if (rows[0]) created.users++;
        if (name === 'name') expect(rows[0]?.name, label).toBe(payload.trim());
      }
      if (res.status === 201 && e.template === '/api/products') {
        created.products++;
        if (name === 'name' || name === 'description') expect(res.body[name], label).toBe(payload.trim());
      }
    }
  });

  it('left the database intact: no table dropped, no row added or removed but by honest requests', async () => {
    const after = await counts();
    expect(after.users).toBe((before.users ?? 0) + created.users);
    // Destructive endpoints get a fresh fixture product per request, so products only grow.
    expect(after.products).toBeGreaterThanOrEqual((before.products ?? 0) + created.products);
    expect(after.orders).toBe(before.orders);
    expect(after.items).toBe(before.items);
    const { rows } = await attack.app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM users WHERE role = 'admin'",
    );
    expect(rows[0]?.n).toBe(1);
  });
});
