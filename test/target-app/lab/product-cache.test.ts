import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricNames as N } from '../../../probes/index.js';
import { startLabApp, type LabApp } from '../../helpers/lab-app.js';

// The in-process LRU always; Redis too whenever REDIS_URL is set (CI sets it).
const redisUrl = process.env.REDIS_URL;
const backends: { name: string; env: Record<string, string> }[] = [
  { name: 'the in-process LRU', env: {} },
  ...(redisUrl ? [{ name: 'Redis', env: { REDIS_URL: redisUrl } }] : []),
];

describe.each(backends)('no_cache on $name', ({ env }) => {
  let app: LabApp;
  beforeAll(async () => {
    app = await startLabApp({ env, seed: { users: 2, products: 10, orders: 4 } });
  });
  afterAll(() => app?.close());

  const hits = async () => {
    const metric = app.probes.registry.getSingleMetric(N.CACHE_HITS);
    const values = metric ? (await metric.get()).values : [];
    return values.filter((v) => v.labels[N.LABEL_CACHE_NAME] === 'products').reduce((s, v) => s + v.value, 0);
  };
  const productQueries = async (path: string) => {
    const from = app.sql.length;
    const res = await app.request(path);
    return { res, queries: app.sql.slice(from).filter((s) => /FROM products/.test(s.text)).length };
  };

  it('the second read is a hit without a query; an update invalidates; the flag bypasses it', async () => {
    const first = await productQueries('/api/products/2');
    const hits0 = await hits();
    const second = await productQueries('/api/products/2');
    expect(first.queries).toBe(1);
    expect(second.queries).toBe(0);
    expect(await hits()).toBe(hits0 + 1);
    expect(second.res.body).toEqual(first.res.body);
    await app.request('/api/products/2', { method: 'PATCH', token: app.admin, body: { priceCents: 4242 } });
    const after = await productQueries('/api/products/2');
    expect(after.queries).toBe(1);
    expect(after.res.body.priceCents).toBe(4242);
    await app.setFlags({ no_cache: true });
    const bypassed = await productQueries('/api/products/2');
    await app.setFlags({ no_cache: false });
    expect(bypassed.queries).toBe(1);
  });
});
