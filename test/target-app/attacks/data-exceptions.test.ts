import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failingOn } from '../../helpers/failing-db.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

// Issue 29, item 1: whatever still slips past validation into a PostgreSQL
// data exception (SQLSTATE class 22) is the client's input: a 400, never a
// 500 with a stack in the log.
const MARKER = 'data-exception-marker';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    instrumentation: (db) => ({
      db: failingOn(db, MARKER, { sql: 'SELECT $1::int AS n', params: ['2147483648'] }),
    }),
  });
});
afterAll(() => app?.close());

describe('a class-22 data exception from the database', () => {
  it('is a 400 in the error shape, naming no value', async () => {
    const res = await app.request(`/api/products?q=${MARKER}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(JSON.stringify(res.body)).not.toContain('2147483648');
  });
});
