import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, endpointKey, urlFor, type Endpoint } from './catalog.js';
import { startAttack, type Attacker } from './harness.js';

// Property-based fuzzing: random JSON of the wrong shapes and types, random
// query strings and path segments, to every endpoint. The API must answer
// every one with 2xx or 4xx, and the data must stay consistent.
const RUNS = 25;
const SEED = 20_260_101;

let attack: Attacker;
beforeAll(async () => {
  attack = await startAttack();
});
afterAll(() => attack?.close());

/** Values of every JSON type, deeply nested sometimes, plus the awkward numbers. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  // Any code point, NUL and lone surrogates included: PostgreSQL text refuses some of them.
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(0, -1, 1e308, -0, 2 ** 31, 2 ** 53 + 1, '', ' ', '\u0000', 'null', '__proto__', []),
);

/** The endpoint's honest body with some fields replaced, removed or added. */
function mutatedBody(e: Endpoint, honest: Record<string, unknown>) {
  const keys = Object.keys(honest);
  return fc.oneof(
    anyJson,
    fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof(fc.constant(honest[k]), anyJson)])), {
      requiredKeys: [],
    }),
    fc.tuple(fc.string({ maxLength: 12 }), anyJson).map(([k, v]) => ({ ...honest, [k]: v })),
    fc.constant({ ...honest, ['__proto__']: { role: 'admin' } }),
    e.template === '/api/orders'
      ? fc.record({
          items: fc.array(
            fc.record({
              productId: fc.oneof(fc.integer(), anyJson),
              quantity: fc.oneof(fc.integer(), anyJson),
            }),
            { maxLength: 4 },
          ),
        })
      : anyJson,
  );
}

const rawBody = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('{', '[', '{"a":', 'nul', '"x"', '1e99999'),
);
const query = fc.dictionary(
  fc.oneof(fc.constantFrom('q', 'limit', 'cursor', 'id', 'role'), fc.string({ maxLength: 8 })),
  fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constant('')),
  { maxKeys: 3 },
);
const segment = fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.double().map(String));

describe('fuzzing every endpoint with malformed input', () => {
  it.each(ENDPOINTS.map((e) => [endpointKey(e), e] as const))('%s never answers 5xx', async (_key, e) => {
    const f = await attack.fixture(e);
    const honest = e.body?.(f) ?? {};
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          body: e.body
            ? fc.oneof(
                mutatedBody(e, honest),
                rawBody.map((s) => ({ raw: s })),
              )
            : fc.constant(undefined),
          query: fc.option(query, { nil: undefined }),
          id: fc.option(segment, { nil: undefined }),
        }),
        async ({ body, query: q, id }) => {
          let url = urlFor(e, f, id !== undefined ? { where: 'params', name: 'id', value: id } : undefined);
          if (q) url = `${url.split('?')[0]}?${new URLSearchParams(q).toString()}`;
          const payload =
            body && typeof body === 'object' && 'raw' in body && Object.keys(body).length === 1
              ? String((body as { raw: unknown }).raw)
              : body === undefined
                ? undefined
                : JSON.stringify(body);
          const res = await attack.app.request(url, {
            method: e.method,
            ...(e.caller === 'anon' ? {} : { token: await attack.tokenFor(e, e.caller) }),
            ...(payload !== undefined ? { body: payload } : {}),
          });
          expect(res.status, `${e.method} ${url} ${payload ?? ''}`).toBeGreaterThanOrEqual(200);
          expect(res.status, `${e.method} ${url} ${payload ?? ''}`).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('left the data consistent', async () => {
    const { rows } = await attack.app.db.query<Record<string, number>>(`
      SELECT
        (SELECT count(*)::int FROM products WHERE stock < 0 OR price_cents < 0) AS negative,
        (SELECT count(*)::int FROM orders o WHERE total_cents <>
           (SELECT COALESCE(sum(unit_price_cents * quantity), 0) FROM order_items i WHERE i.order_id = o.id)) AS bad_totals,
        (SELECT count(*)::int FROM orders o WHERE NOT EXISTS
           (SELECT 1 FROM order_items i WHERE i.order_id = o.id)) AS empty_orders,
        (SELECT count(*)::int FROM users WHERE role = 'admin') AS admins`);
    expect(rows[0]).toEqual({ negative: 0, bad_totals: 0, empty_orders: 0, admins: 1 });
  });
});
