import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ seed: false });
});
afterAll(() => app?.close());

describe('health', () => {
  it('GET /healthz says the process is up', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz checks the database', async () => {
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', db: app.db.kind });
  });
});

describe('the test database picker', () => {
  it('runs this project on the storage it promises', () => {
    if (process.env.PERFLAB_TEST_DB === 'pglite') expect(app.source).toBe('pglite');
    else if (process.env.DATABASE_URL) expect(app.source).toBe('DATABASE_URL');
    else expect(['testcontainers', 'pglite']).toContain(app.source);
    expect(app.db.kind).toBe(app.source === 'pglite' ? 'pglite' : 'postgres');
  });
});
