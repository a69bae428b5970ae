import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabApp, type LabApp } from '../../helpers/lab-app.js';

let app: LabApp;
let token: string;

beforeAll(async () => {
  // Products enough that a rare name is worth an index to the planner; ANALYZE
  // so it knows (the flag's own switch analyzes too).
  app = await startLabApp({ seed: { products: 3000 } });
  await app.db.query('VACUUM ANALYZE products');
  token = await app.login(1);
});
afterAll(() => app?.close());

/** The last statement the app ran that matches, as the store issued it. */
function lastSql(pattern: RegExp) {
  const found = app.sql.filter((s) => pattern.test(s.text)).at(-1);
  if (!found) throw new Error(`no statement matched ${String(pattern)}`);
  return found;
}

/**
 * The plan of a statement the store ran. The test's orders are few enough
 * that the planner would scan them anyway, so for those sequential scans are
 * priced out (for this transaction only): what remains is whether an index
 * *can* serve the query; without one, a sequential scan is the only plan
 * left. The products are many and the name searched for is rare, so the
 * search is planned as it comes.
 */
async function plan(
  statement: { text: string; params: readonly unknown[] },
  priceOutSeqScans = true,
): Promise<string> {
  return app.db.transaction(async (tx) => {
    if (priceOutSeqScans) await tx.query('SET LOCAL enable_seqscan = off');
    const { rows } = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.text}`, statement.params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

async function plans() {
  expect((await app.request('/api/orders?limit=5', { token })).status).toBe(200);
  // A rare name: walking the primary key in id order would read every product to fill a page.
  expect((await app.request('/api/products?q=xyzzy')).status).toBe(200);
  return {
    history: await plan(lastSql(/FROM orders WHERE user_id = \$1/)),
    items: await plan(lastSql(/FROM order_items WHERE order_id = ANY/)),
    search: await plan(lastSql(/FROM products .*ILIKE/s), false),
  };
}

function expectIndexed(p: Awaited<ReturnType<typeof plans>>): void {
  expect(p.history).toMatch(/Index Scan (using|on) orders_user_created_idx/);
  expect(p.items).toMatch(/Index (Only )?Scan (using|on) order_items_pkey/);
  expect(p.search).toMatch(/Bitmap Index Scan on products_name_trgm_idx/);
}

describe('missing_index', () => {
  it('off: order history, its items and the name search use indexes; on: sequential scans', async () => {
    expectIndexed(await plans());

    await app.setFlags({ missing_index: true });
    const on = await plans();
    expect(on.history).toMatch(/Seq Scan on orders/);
    expect(on.history).not.toMatch(/Index/);
    expect(on.items).toMatch(/Seq Scan on order_items/);
    expect(on.search).toMatch(/Seq Scan on products/);

    await app.setFlags({ missing_index: false });
    expectIndexed(await plans());
  });

  it('switches while requests run: every request still succeeds, with the same answers', async () => {
    const expected = (await app.request('/api/orders?limit=10', { token })).body as unknown;
    let stop = false;
    const statuses: number[] = [];
    const bodies: unknown[] = [];
    const load = (async () => {
      // Bounded: at most 500 requests, and it stops as soon as the switches are done.
      for (let i = 0; i < 500 && !stop; i++) {
        const res = await app.request('/api/orders?limit=10', { token });
        statuses.push(res.status);
        bodies.push(res.body);
      }
    })();
    await app.setFlags({ missing_index: true });
    await app.setFlags({ missing_index: false });
    await app.setFlags({ missing_index: true });
    await app.setFlags({ missing_index: false });
    stop = true;
    await load;
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set([200]));
    for (const body of bodies) expect(body).toEqual(expected);
  });
});
