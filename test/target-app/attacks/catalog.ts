import { DEV_SEED_PASSWORD } from '../../../target-app/config.js';

/**
 * Every endpoint of the API with one honest request an authorized caller
 * would make, and the inputs an attacker controls. The injection, fuzzing,
 * property-level and inventory attacks all iterate over this catalog, and
 * api9-inventory checks it covers exactly the operations in the OpenAPI
 * spec: a new route without an entry here fails the build.
 */

export type Caller = 'anon' | 'customer' | 'admin';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Fixture {
  /** A live product the request may touch or archive; a fresh one per call for destructive requests. */
  productId: number;
  /** An order of customer 1. */
  orderId: number;
  /** Unique per call, for registrations. */
  unique: string;
}

export interface Endpoint {
  method: Method;
  /** The Express and spec template, e.g. /api/orders/:id. */
  template: string;
  caller: Caller;
  /** Needs its own fresh product because it changes or removes it. */
  destructive?: boolean;
  query?: Record<string, string>;
  body?(f: Fixture): Record<string, unknown>;
  /** Attacker-controlled inputs: query names, dotted body paths, and path params. */
  inputs: { where: 'query' | 'body' | 'params'; name: string }[];
}

export const ENDPOINTS: Endpoint[] = [
  { method: 'GET', template: '/healthz', caller: 'anon', inputs: [] },
  { method: 'GET', template: '/readyz', caller: 'anon', inputs: [] },
  { method: 'GET', template: '/api/openapi.json', caller: 'anon', inputs: [] },
  { method: 'GET', template: '/api/info', caller: 'anon', inputs: [] },
  {
    method: 'POST',
    template: '/api/auth/register',
    caller: 'anon',
    body: (f) => ({ email: `reg-${f.unique}@example.com`, password: 'a long enough secret', name: 'Reg' }),
    inputs: ['email', 'password', 'name'].map((name) => ({ where: 'body', name })),
  },
  {
    method: 'POST',
    template: '/api/auth/login',
    caller: 'anon',
    body: () => ({ email: 'user1@perflab.local', password: DEV_SEED_PASSWORD }),
    inputs: ['email', 'password'].map((name) => ({ where: 'body', name })),
  },
  { method: 'GET', template: '/api/users/me', caller: 'customer', inputs: [] },
  {
    method: 'GET',
    template: '/api/products',
    caller: 'anon',
    query: { q: 'a', limit: '100' },
    inputs: ['q', 'limit', 'cursor'].map((name) => ({ where: 'query', name })),
  },
  { method: 'GET', template: '/api/products/:id', caller: 'anon', inputs: [{ where: 'params', name: 'id' }] },
  {
    method: 'POST',
    template: '/api/products',
    caller: 'admin',
    body: (f) => ({ name: `Probe ${f.unique}`, description: 'made by a test', priceCents: 1234, stock: 5 }),
    inputs: ['name', 'description', 'priceCents'].map((name) => ({ where: 'body', name })),
  },
  {
    method: 'PATCH',
    template: '/api/products/:id',
    caller: 'admin',
    destructive: true,
    body: () => ({ description: 'patched by a test' }),
    inputs: [
      { where: 'params', name: 'id' },
      { where: 'body', name: 'name' },
      { where: 'body', name: 'description' },
    ],
  },
  {
    method: 'DELETE',
    template: '/api/products/:id',
    caller: 'admin',
    destructive: true,
    inputs: [{ where: 'params', name: 'id' }],
  },
  {
    method: 'POST',
    template: '/api/orders',
    caller: 'customer',
    body: (f) => ({ items: [{ productId: f.productId, quantity: 1 }] }),
    inputs: ['items.0.productId', 'items.0.quantity'].map((name) => ({ where: 'body', name })),
  },
  {
    method: 'GET',
    template: '/api/orders',
    caller: 'customer',
    query: { limit: '100' },
    inputs: ['limit', 'cursor'].map((name) => ({ where: 'query', name })),
  },
  {
    method: 'GET',
    template: '/api/orders/:id',
    caller: 'customer',
    inputs: [{ where: 'params', name: 'id' }],
  },
  { method: 'GET', template: '/api/users/me/summary', caller: 'customer', inputs: [] },
  { method: 'GET', template: '/api/orders/export', caller: 'customer', inputs: [] },
  { method: 'GET', template: '/api/reports/sales', caller: 'admin', inputs: [] },
  { method: 'GET', template: '/api/admin/flags', caller: 'admin', inputs: [] },
  {
    method: 'PUT',
    template: '/api/admin/flags',
    caller: 'admin',
    // Switching a flag off that is off: honest, and it leaves the app as it was.
    body: () => ({ n_plus_one: false }),
    inputs: [{ where: 'body', name: 'n_plus_one' }],
  },
];

export const endpointKey = (e: { method: string; template: string }): string =>
  `${e.method.toUpperCase()} ${e.template}`;

/** The concrete URL for an endpoint, with an optional replacement for one path param or query value. */
export function urlFor(
  e: Endpoint,
  f: Fixture,
  override?: { where: 'query' | 'params'; name: string; value: string },
): string {
  const id = e.template.startsWith('/api/orders/') ? f.orderId : f.productId;
  const path = e.template.replace(':id', () =>
    encodeURIComponent(override?.where === 'params' ? override.value : String(id)),
  );
  const query = new URLSearchParams(e.query ?? {});
  if (override?.where === 'query') query.set(override.name, override.value);
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

/** A copy of `body` with the value at a dotted path (items.0.productId) replaced. */
export function withValue(
  body: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys[keys.length - 1] as string] = value;
  return copy;
}
