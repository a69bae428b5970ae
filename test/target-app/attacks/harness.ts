import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp, type TestAppOptions } from '../../helpers/app.js';
import { ENDPOINTS, urlFor, type Caller, type Endpoint, type Fixture } from './catalog.js';

export interface Response {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Attacker {
  app: TestApp;
  tokens: Record<Exclude<Caller, 'anon'>, string>;
  /** A fixture for one request: a fresh product when the endpoint changes or archives it. */
  fixture(e: Endpoint): Promise<Fixture>;
  /** The token to send `e` with as `as`: a fresh login when `e` revokes it (logout), else the shared one. */
  tokenFor(e: Endpoint, as: Exclude<Caller, 'anon'>): Promise<string>;
  /** Sends an endpoint's request as `as` (default: its own caller), with optional replacements. */
  send(
    e: Endpoint,
    f: Fixture,
    options?: {
      as?: Caller;
      body?: unknown;
      override?: { where: 'query' | 'params'; name: string; value: string };
      signal?: AbortSignal;
    },
  ): Promise<Response>;
  close(): Promise<void>;
}

let counter = 0;
export const unique = (): string => `${randomBytes(4).toString('hex')}${++counter}`;

/** A test app, tokens for a customer and the admin, and an order of customer 1 to aim at. */
export async function startAttack(options: TestAppOptions = {}): Promise<Attacker> {
  const app = await startTestApp(options);
  const [customer, admin] = await Promise.all([app.login(1), app.login('admin')]);
  const tokens = { customer, admin };
  const order = await app.request('/api/orders', {
    method: 'POST',
    token: customer,
    body: { items: [{ productId: 1, quantity: 1 }] },
  });
  if (order.status !== 201) throw new Error(`fixture order failed: ${order.status}`);
  const orderId = order.body.id as number;

  const freshProduct = async (): Promise<number> => {
    const res = await app.request('/api/products', {
      method: 'POST',
      token: admin,
      body: { name: `Fixture ${unique()}`, priceCents: 100, stock: 1_000 },
    });
    if (res.status !== 201) throw new Error(`fixture product failed: ${res.status}`);
    return res.body.id as number;
  };

  const tokenFor = async (e: Endpoint, as: Exclude<Caller, 'anon'>): Promise<string> =>
    e.revokesToken ? app.login(as === 'admin' ? 'admin' : 1) : tokens[as];

  return {
    app,
    tokens,
    async fixture(e) {
      return { productId: e.destructive ? await freshProduct() : 2, orderId, unique: unique() };
    },
    tokenFor,
    async send(e, f, options = {}) {
      const as = options.as ?? e.caller;
      const body = options.body !== undefined ? options.body : e.body?.(f);
      return app.request(urlFor(e, f, options.override), {
        method: e.method,
        ...(as === 'anon' ? {} : { token: await tokenFor(e, as) }),
        ...(body !== undefined ? { body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    },
    close: () => app.close(),
  };
}

export { ENDPOINTS };
