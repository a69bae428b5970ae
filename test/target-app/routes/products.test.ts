import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMIT_DEFAULT, LIMIT_MAX } from '../../../target-app/schemas.js';
import { TEST_SEED, startTestApp, type TestApp } from '../../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe('GET /api/products', () => {
  it('pages through every product exactly once with the cursor', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.request(`/api/products?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...res.body.items.map((p: { id: number }) => p.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(TEST_SEED.products);
    expect(new Set(seen).size).toBe(TEST_SEED.products);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('uses the default limit and returns money in integer cents', async () => {
    const res = await app.request('/api/products');
    expect(res.body.items).toHaveLength(LIMIT_DEFAULT);
    for (const p of res.body.items) {
      expect(Object.keys(p).sort()).toEqual(['id', 'name', 'priceCents', 'stock']);
      expect(Number.isInteger(p.priceCents)).toBe(true);
    }
  });

  it('searches names case-insensitively and treats LIKE wildcards literally', async () => {
    const { rows } = await app.db.query<{ name: string }>('SELECT name FROM products WHERE id = 5');
    const word = (rows[0]?.name ?? '').split(' ')[1] ?? '';
    const res = await app.request(
      `/api/products?limit=${LIMIT_MAX}&q=${encodeURIComponent(word.toUpperCase())}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const p of res.body.items) expect(p.name.toLowerCase()).toContain(word.toLowerCase());
    const wildcard = await app.request('/api/products?q=%25');
    expect(wildcard.body.items).toEqual([]);
  });

  it.each([
    ['limit=0', 'limit'],
    [`limit=${LIMIT_MAX + 1}`, 'limit'],
    ['limit=abc', 'limit'],
    ['cursor=!!', 'cursor'],
    ['cursor=bm90LWpzb24', 'cursor'],
    ['sort=price', 'sort'],
    ['q=a&q=b', 'q'],
  ])('rejects %s with a 400 naming %s', async (qs, field) => {
    const res = await app.request(`/api/products?${qs}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });
});

describe('GET /api/products/:id', () => {
  it('returns one product', async () => {
    const res = await app.request('/api/products/3');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(3);
  });

  it('gives 404 for a missing product and 400 for a bad id', async () => {
    expect((await app.request('/api/products/99999')).status).toBe(404);
    const bad = await app.request('/api/products/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('id');
    expect((await app.request('/api/products/-1')).status).toBe(400);
    expect((await app.request('/api/products/1.5')).status).toBe(400);
  });
});
