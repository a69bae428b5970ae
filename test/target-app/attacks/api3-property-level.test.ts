import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isFlagName } from '../../../target-app/flags/index.js';
import {
  ErrorResponse,
  FlagsResponse,
  UserSummaryResponse,
  SalesReportResponse,
  HealthResponse,
  InfoResponse,
  OpenApiDocument,
  OrderPage,
  OrderResponse,
  ProductPage,
  ProductResponse,
  ReadyResponse,
  TokenResponse,
  UserResponse,
} from '../../../target-app/response-schemas.js';
import { ENDPOINTS, endpointKey, type Caller } from './catalog.js';
import { startAttack, type Attacker, type Response } from './harness.js';

// OWASP API3:2023 Broken Object Property Level Authorization: mass assignment
// on the way in, excessive data exposure on the way out.
let attack: Attacker;
beforeAll(async () => {
  attack = await startAttack();
});
afterAll(() => attack?.close());

const SECRET_KEY = /pass(word)?|hash|secret|salt|token_?hash|archived/i;
const SECRET_VALUE = /^\$argon2|^\$2[aby]\$|^[0-9a-f]{64}$/;

/** Every key anywhere in a JSON value, and every string value, for the leak scan. */
function walk(
  value: unknown,
  keys: string[] = [],
  strings: string[] = [],
): { keys: string[]; strings: string[] } {
  if (Array.isArray(value)) for (const v of value) walk(v, keys, strings);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      keys.push(k);
      walk(v, keys, strings);
    }
  } else if (typeof value === 'string') strings.push(value);
  return { keys, strings };
}

const SUCCESS_SHAPES: Record<string, z.ZodType> = {
  'GET /healthz': HealthResponse,
  'GET /readyz': ReadyResponse,
  'GET /api/openapi.json': OpenApiDocument,
  'GET /api/info': InfoResponse,
  'POST /api/auth/register': UserResponse,
  'POST /api/auth/login': TokenResponse,
  'GET /api/users/me': UserResponse,
  'GET /api/products': ProductPage,
  'GET /api/products/:id': ProductResponse,
  'POST /api/products': ProductResponse,
  'PATCH /api/products/:id': ProductResponse,
  'GET /api/orders': OrderPage,
  'POST /api/orders': OrderResponse,
  'GET /api/orders/:id': OrderResponse,
  'GET /api/admin/flags': FlagsResponse,
  'GET /api/users/me/summary': UserSummaryResponse,
  'GET /api/reports/sales': SalesReportResponse,
  // CSV, not JSON: the body is text; its columns are checked in test/target-app/lab.
  'GET /api/orders/export': z.string(),
  'PUT /api/admin/flags': FlagsResponse,
};

describe('API3 mass assignment: fields the client may not set', () => {
  it('rejects registering with role admin', async () => {
    const res = await attack.app.request('/api/auth/register', {
      method: 'POST',
      body: { email: 'wannabe@example.com', password: 'long enough pw', name: 'W', role: 'admin' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('role');
    const { rows } = await attack.app.db.query('SELECT 1 FROM users WHERE email = $1', [
      'wannabe@example.com',
    ]);
    expect(rows).toHaveLength(0);
  });

  it.each([
    [
      'POST',
      '/api/auth/register',
      { email: 'x@example.com', password: 'long enough pw', name: 'X', id: 1 },
      'id',
    ],
    ['POST', '/api/products', { name: 'P', priceCents: 1, archivedAt: null }, 'archivedAt'],
    ['PATCH', '/api/products/2', { id: 99 }, 'id'],
    ['POST', '/api/orders', { items: [{ productId: 2, quantity: 1 }], totalCents: 1 }, 'totalCents'],
    ['POST', '/api/orders', { items: [{ productId: 2, quantity: 1 }], userId: 2 }, 'userId'],
  ])('%s %s with an unknown field gets 400 naming %s', async (method, path, body, field) => {
    const token = path.startsWith('/api/products') ? attack.tokens.admin : attack.tokens.customer;
    const res = await attack.app.request(path, { method, token, body });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  });
});

describe('API3 excessive data exposure: what every endpoint returns', () => {
  const callers: Caller[] = ['anon', 'customer', 'admin'];
  const responses: { key: string; as: Caller; res: Response }[] = [];

  beforeAll(async () => {
    for (const e of ENDPOINTS) {
      for (const as of callers) {
        const f = await attack.fixture(e);
        responses.push({ key: endpointKey(e), as, res: await attack.send(e, f, { as }) });
      }
    }
  });

  it('never carries a password, a hash or a secret-looking key or value', () => {
    for (const { key, as, res } of responses) {
      const { keys, strings } = walk(res.body);
      // The spec documents the `password` *input*; it is the one response allowed to name it.
      // Flag names (blocking_hash) are switches, not secrets.
      const leakedKeys =
        key === 'GET /api/openapi.json' ? [] : keys.filter((k) => SECRET_KEY.test(k) && !isFlagName(k));
      expect(leakedKeys, `${key} as ${as}`).toEqual([]);
      expect(
        strings.filter((s) => SECRET_VALUE.test(s)),
        `${key} as ${as}`,
      ).toEqual([]);
    }
  });

  it('has exactly the documented fields on every success, and the error shape otherwise', () => {
    const seen = new Set<string>();
    for (const { key, as, res } of responses) {
      if (res.status === 204) continue;
      if (res.status >= 200 && res.status < 300) {
        const shape = SUCCESS_SHAPES[key];
        expect(shape, `no shape for ${key}`).toBeDefined();
        const parsed = shape?.safeParse(res.body);
        expect(parsed?.success, `${key} as ${as}: ${JSON.stringify(parsed?.error?.issues)}`).toBe(true);
        seen.add(key);
      } else {
        expect(ErrorResponse.safeParse(res.body).success, `${key} as ${as}`).toBe(true);
      }
    }
    // Every endpoint with a body answered successfully for its intended caller at least once.
    expect([...seen].sort()).toEqual(Object.keys(SUCCESS_SHAPES).sort());
  });

  it('tells a customer nothing about other users in their orders', () => {
    for (const { key, as, res } of responses) {
      if (as !== 'customer' || !key.includes('/api/orders') || res.status !== 200) continue;
      if (key === 'GET /api/orders/export') {
        // CSV: the fifth column is the owner.
        for (const line of String(res.body).trimEnd().split('\n').slice(1))
          expect(line.split(',')[4]).toBe('1');
        continue;
      }
      const orders = key === 'GET /api/orders' ? res.body.items : [res.body];
      for (const o of orders) expect(o.user.id).toBe(1);
    }
  });
});
