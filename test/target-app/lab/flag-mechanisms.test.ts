import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricNames as N } from '../../../probes/index.js';
import { startLabApp, type LabApp } from '../../helpers/lab-app.js';

let app: LabApp;
let token: string;

beforeAll(async () => {
  app = await startLabApp({ seed: { users: 3, orders: 60, products: 45 } });
  token = await app.login(1);
});
afterAll(() => app?.close());

/** Statements run while `fn` ran. */
async function sqlDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const from = app.sql.length;
  await fn();
  return app.sql.slice(from).map((s) => s.text);
}

async function allPages(path: string, auth?: string): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await app.request(
      cursor ? `${path}${sep}cursor=${cursor}` : path,
      auth ? { token: auth } : {},
    );
    expect(res.status).toBe(200);
    ids.push(...(res.body.items as { id: number }[]).map((p) => p.id));
    cursor = res.body.nextCursor as string | null;
    if (!cursor) return ids;
  }
  throw new Error('more than 50 pages');
}

describe('normalized_reads', () => {
  it('joins users and products with the flag on; the answer is the same until something is renamed', async () => {
    const path = '/api/orders?limit=5';
    const off = await app.request(path, { token });
    await app.setFlags({ normalized_reads: true });
    const onSql = await sqlDuring(() => app.request(path, { token }));
    const on = await app.request(path, { token });
    await app.setFlags({ normalized_reads: false });
    expect(onSql.some((t) => /JOIN users/.test(t))).toBe(true);
    expect(onSql.some((t) => /JOIN products/.test(t))).toBe(true);
    expect(on.body).toEqual(off.body);

    // The lesson of seed section 14: rename a product, and history read through the join rewrites itself.
    const item = off.body.items[0].items[0] as { productId: number; name: string };
    await app.request(`/api/products/${item.productId}`, {
      method: 'PATCH',
      token: app.admin,
      body: { name: 'Renamed after the order' },
    });
    const snapshot = await app.request(path, { token });
    await app.setFlags({ normalized_reads: true });
    const joined = await app.request(path, { token });
    await app.setFlags({ normalized_reads: false });
    expect(snapshot.body.items[0].items[0].name).toBe(item.name);
    expect(joined.body.items[0].items[0].name).toBe('Renamed after the order');
  });
});

describe('offset_pagination', () => {
  it('OFFSET appears in the SQL only with the flag on, and both walks return the same rows', async () => {
    const keysetSql = await sqlDuring(() => allPages('/api/products?limit=7'));
    const keyset = await allPages('/api/products?limit=7');
    const keysetOrders = await allPages('/api/orders?limit=3', token);
    await app.setFlags({ offset_pagination: true });
    const offsetSql = await sqlDuring(() => allPages('/api/products?limit=7'));
    const offset = await allPages('/api/products?limit=7');
    const offsetOrders = await allPages('/api/orders?limit=3', token);
    await app.setFlags({ offset_pagination: false });
    expect(keysetSql.some((t) => /\bOFFSET\b/.test(t))).toBe(false);
    expect(offsetSql.filter((t) => /FROM products/.test(t)).every((t) => /\bOFFSET\b/.test(t))).toBe(true);
    expect(offset).toEqual(keyset);
    expect(new Set(keyset).size).toBe(keyset.length);
    expect(offsetOrders).toEqual(keysetOrders);
  });

  it('keyset pages neither skip nor repeat a row while rows are inserted between pages', async () => {
    const seen: number[] = [];
    const before = await allPages('/api/products?limit=100');
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res = await app.request(`/api/products?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...(res.body.items as { id: number }[]).map((p) => p.id));
      // A new product lands between every two pages.
      await app.request('/api/products', {
        method: 'POST',
        token: app.admin,
        body: { name: `Inserted ${page}`, priceCents: 100 },
      });
      cursor = res.body.nextCursor as string | null;
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
  });
});

describe('select_star', () => {
  /** The listing's statement, and the bytes its rows carried from the database. */
  const listing = async () => {
    const from = app.sql.length;
    const res = await app.request('/api/products?limit=20');
    const read = app.sql.slice(from).find((s) => /FROM products/.test(s.text));
    return { res, text: read?.text, bytes: read?.bytesRead ?? 0 };
  };

  it('reads every column with the flag on and the projection with it off, answering the same', async () => {
    const off = await listing();
    await app.setFlags({ select_star: true });
    const on = await listing();
    await app.setFlags({ select_star: false });
    expect(off.text).toMatch(/^SELECT id, name, price_cents, stock FROM/);
    expect(on.text).toMatch(/^SELECT \* FROM products/);
    expect(on.res.body).toEqual(off.res.body);
    // The descriptions a listing never shows are most of what select_star
    // reads: over 1 kB a product more from the database.
    const { rows } = await app.db.query<{ n: number }>(
      'SELECT sum(octet_length(description))::int AS n FROM products WHERE id IN (SELECT id FROM products ORDER BY id LIMIT 20)',
    );
    expect(rows[0]!.n).toBeGreaterThan(20 * 1_000);
    expect(on.bytes - off.bytes).toBeGreaterThanOrEqual(rows[0]!.n);
    expect(on.bytes).toBeGreaterThan(5 * off.bytes);
  });
});

describe('no_cache', () => {
  const counter = async (name: string) => {
    const metric = app.probes.registry.getSingleMetric(name);
    const values = metric ? (await metric.get()).values : [];
    return values.filter((v) => v.labels[N.LABEL_CACHE_NAME] === 'products').reduce((s, v) => s + v.value, 0);
  };

  it(`off: the second read is a cache hit with no query; a write invalidates it (${process.env.REDIS_URL ? 'Redis' : 'in-process'})`, async () => {
    const id = 3;
    const hits0 = await counter(N.CACHE_HITS);
    const first = await sqlDuring(() => app.request(`/api/products/${id}`));
    const second = await sqlDuring(() => app.request(`/api/products/${id}`));
    expect(await counter(N.CACHE_HITS)).toBe(hits0 + 1);
    expect(first.filter((t) => /FROM products/.test(t))).toHaveLength(1);
    expect(second.filter((t) => /FROM products/.test(t))).toHaveLength(0);
    const patched = await app.request(`/api/products/${id}`, {
      method: 'PATCH',
      token: app.admin,
      body: { name: 'Renamed by the cache test' },
    });
    expect(patched.status).toBe(200);
    const after = await app.request(`/api/products/${id}`);
    expect(after.body.name).toBe('Renamed by the cache test');
  });

  it('on: every read goes to the database and the cache is not consulted', async () => {
    await app.setFlags({ no_cache: true });
    const hits0 = await counter(N.CACHE_HITS);
    const misses0 = await counter(N.CACHE_MISSES);
    const reads = await sqlDuring(async () => {
      await app.request('/api/products/4');
      await app.request('/api/products/4');
    });
    await app.setFlags({ no_cache: false });
    expect(reads.filter((t) => /FROM products/.test(t))).toHaveLength(2);
    expect(await counter(N.CACHE_HITS)).toBe(hits0);
    expect(await counter(N.CACHE_MISSES)).toBe(misses0);
  });
});

describe('no_compression', () => {
  it('Content-Encoding is gzip over 1 kB with the flag off, absent with it on; the body is the same', async () => {
    const headers = { 'accept-encoding': 'gzip' };
    const off = await app.request('/api/products?limit=20', { headers });
    await app.setFlags({ no_compression: true });
    const on = await app.request('/api/products?limit=20', { headers });
    await app.setFlags({ no_compression: false });
    expect(off.headers.get('content-encoding')).toBe('gzip');
    expect(on.headers.get('content-encoding')).toBeNull();
    expect(on.body).toEqual(off.body);
    const small = await app.request('/healthz', { headers });
    expect(small.headers.get('content-encoding')).toBeNull();
  });
});

describe('small_pool', () => {
  it(
    app?.db.kind === 'pglite'
      ? 'is refused on PGlite with 409 and why'
      : 'makes concurrent requests wait for the one connection',
    async () => {
      if (app.db.kind === 'pglite') {
        const res = await app.request('/api/admin/flags', {
          method: 'PUT',
          token: app.admin,
          body: { small_pool: true },
        });
        expect(res.status).toBe(409);
        expect(res.body.error.field).toBe('small_pool');
        expect(res.body.error.message).toMatch(/PostgreSQL/);
        return;
      }
      await app.setFlags({ small_pool: true });
      let maxWaiting = 0;
      const sample = () => (maxWaiting = Math.max(maxWaiting, app.db.poolStats().waiting));
      const requests = Array.from({ length: 8 }, () =>
        app.request('/api/users/me/summary', { token }).then(sample),
      );
      sample();
      await Promise.all(requests);
      const pending = (await app.request('/metrics')).body as string;
      await app.setFlags({ small_pool: false });
      expect(maxWaiting).toBeGreaterThan(0);
      expect(pending).toMatch(new RegExp(`^${N.DB_CLIENT_CONNECTION_PENDING_REQUESTS}`, 'm'));
    },
  );
});

describe('fault_headers', () => {
  it('ignores the headers while off; with it on x-perflab-fail answers 500 and a bad delay 400', async () => {
    const headers = { 'x-perflab-fail': '1', 'x-perflab-delay-ms': '1' };
    expect((await app.request('/api/products?limit=1', { headers })).status).toBe(200);
    await app.setFlags({ fault_headers: true });
    const failed = await app.request('/api/products?limit=1', { headers });
    const bad = await app.request('/api/products?limit=1', { headers: { 'x-perflab-delay-ms': 'soon' } });
    const delayed = await app.request('/api/products?limit=1', { headers: { 'x-perflab-delay-ms': '5' } });
    await app.setFlags({ fault_headers: false });
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('INJECTED_FAULT');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('x-perflab-delay-ms');
    expect(delayed.status).toBe(200);
  });
});

describe('sequential_io', () => {
  it('the summary answers the same either way', async () => {
    const off = await app.request('/api/users/me/summary', { token });
    await app.setFlags({ sequential_io: true });
    const on = await app.request('/api/users/me/summary', { token });
    await app.setFlags({ sequential_io: false });
    expect(off.status).toBe(200);
    expect(off.body.lastOrders).toHaveLength(5);
    expect(off.body.recommended).toHaveLength(5);
    expect(on.body).toEqual(off.body);
  });
});
