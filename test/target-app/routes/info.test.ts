import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAG_NAMES } from '../../../target-app/flags/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ seed: false });
});
afterAll(() => app?.close());

describe('GET /api/info', () => {
  it('says which version, storage and runtime answered, and its flags', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const res = await app.request('/api/info');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      name: 'perflab-target-app',
      version: pkg.version,
      db: app.db.kind,
      node: process.version,
      flags: Object.fromEntries(FLAG_NAMES.map((f) => [f, false])),
    });
  });

  it('rejects unknown query parameters like every route', async () => {
    const res = await app.request('/api/info?verbose=1');
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('verbose');
  });
});
