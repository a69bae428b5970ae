import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../target-app/http/cursor.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

// Issue 29, item 1: forged pagination cursors were 500s (a stack in the log
// each): the decoder checked only typeof, Date.parse accepts dates PostgreSQL
// refuses, and an out-of-range id reached an int cast. Now cursors are
// HMAC-signed and their values checked, and a data exception that still
// slips through is a 400.
let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startTestApp();
  token = await app.login(1);
  // Enough orders of customer 1 for a second page.
  for (let i = 0; i < 3; i++) {
    const res = await app.request('/api/orders', {
      method: 'POST',
      token,
      body: { items: [{ productId: 3, quantity: 1 }] },
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => app?.close());

/** What a forger writes: base64url JSON, as the cursors used to be. */
const unsigned = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');

/** A correctly signed cursor around values the API would never produce (a leaked key, say). */
const signedOdd = (values: unknown[]) => encodeCursor(values as (string | number)[]);

const expectCursor400 = (res: { status: number; body: { error?: { field?: string; code?: string } } }) => {
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' });
};

describe('forged cursors on GET /api/products (anonymous)', () => {
  it.each([[[2.5]], [[1e308]], [[2147483648]], [[0]], [[-1]], [['1']], [[1, 2]], [{}]])(
    'refuses the unsigned %j with 400 naming cursor',
    async (values) => {
      expectCursor400(await app.request(`/api/products?cursor=${unsigned(values)}`));
    },
  );

  it.each([[[2.5]], [[1e308]], [[2147483648]]])('refuses even a signed %j', async (values) => {
    expectCursor400(await app.request(`/api/products?cursor=${signedOdd(values)}`));
  });

  it('refuses a genuine cursor with its signature altered', async () => {
    const page = await app.request('/api/products?limit=2');
    const cursor = page.body.nextCursor as string;
    const [body, mac] = cursor.split('.') as [string, string];
    const flipped = `${body}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    expectCursor400(await app.request(`/api/products?cursor=${flipped}`));
    const otherBody = `${unsigned([1])}.${mac}`;
    expectCursor400(await app.request(`/api/products?cursor=${otherBody}`));
  });

  it('still pages with the cursors it hands out (the control)', async () => {
    const first = await app.request('/api/products?limit=2');
    const second = await app.request(`/api/products?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).toBeGreaterThan(first.body.items[1].id);
  });
});

describe('forged cursors on GET /api/orders', () => {
  const forged: unknown[][] = [
    ['2026-02-30T00:00:00.000Z', 1],
    ['1', 1],
    ['0000-01-01T00:00:00.000Z', 1],
    ['2026-01-01T00:00:00.000Z', 1.5],
    ['2026-01-01T00:00:00.000Z', 2147483648],
    ['2026-01-01T00:00:00Z', 1],
    ['+275760-09-13T00:00:00.000Z', 1],
  ];
  it.each(forged)('refuses unsigned [%j, %j] with 400 naming cursor', async (...values) => {
    expectCursor400(await app.request(`/api/orders?cursor=${unsigned(values)}`, { token }));
  });
  it.each(forged)('refuses even signed [%j, %j]', async (...values) => {
    expectCursor400(await app.request(`/api/orders?cursor=${signedOdd(values)}`, { token }));
  });

  it('still pages with the cursors it hands out (the control)', async () => {
    const first = await app.request('/api/orders?limit=1', { token });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await app.request(`/api/orders?limit=1&cursor=${first.body.nextCursor}`, { token });
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });
});

describe('the cursor codec', () => {
  it('round-trips what the API writes', () => {
    const values = ['2026-03-01T12:00:00.123Z', 42];
    expect(decodeCursor(encodeCursor(values), ['string', 'number'])).toEqual(values);
  });
});
