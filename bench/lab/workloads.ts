/**
 * One workload per flag: the requests that show its effect, at a fixed
 * arrival rate (open model). What it took to make each effect visible is in
 * docs/lab.md.
 */
import { request } from 'undici';
import { defineScenario } from '../../loadtests/index.js';
import type { Scenario, SetupContext } from '../../loadtests/index.js';
import type { FlagName } from '../../target-app/flags/index.js';
import { encodeCursor } from '../../target-app/http/cursor.js';
import { ADMIN_EMAIL, customerEmail } from '../../target-app/seed.js';

/** Facts the lab prepared before any flag was switched. */
export interface LabData {
  seedPassword: string;
  adminPassword: string;
  /** The order-history depth the deep-page workload reads at, and the keyset cursor that starts there. */
  deepOffset: number;
  deepKeysetCursor: string;
  /** How many products the product workloads pick from. */
  productIds: number[];
}

export interface Workload {
  flag: FlagName;
  /** What the workload sends, for the results page. */
  requests: string;
  /** Arrivals per second. */
  rate: number;
  /** PostgreSQL only (small_pool). */
  postgresOnly?: boolean;
  /** Builds the scenario; `on` is the flag's state in the phase it runs in. */
  scenario(data: LabData, on: boolean): Scenario;
  /** One response's size as sent, where the size is the effect (compression, payloads). */
  responseBytes?(target: string, data: LabData): Promise<number>;
}

/** The body's bytes as they crossed the wire: undici's request does not decompress. */
async function wireBytes(target: string, path: string, headers: Record<string, string>): Promise<number> {
  const res = await request(target + path, { headers });
  let n = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) n += chunk.length;
  return n;
}

/** Logs a seeded customer in once per run and hands the token to every request. */
const loginAs =
  (n: number, data: LabData) =>
  async (ctx: SetupContext): Promise<{ token: string }> => {
    const body = { email: customerEmail(n), password: data.seedPassword };
    return ctx.request<{ token: string }>('POST', '/api/auth/login', body);
  };

/** The same, as the seeded admin. */
const loginAsAdmin =
  (data: LabData) =>
  async (ctx: SetupContext): Promise<{ token: string }> =>
    ctx.request<{ token: string }>('POST', '/api/auth/login', {
      email: ADMIN_EMAIL,
      password: data.adminPassword,
    });

const bearer = ({ data }: { data: { token: string } }) => ({ authorization: `Bearer ${data.token}` });

function authed(name: string, user: number, data: LabData, path: string | ((i: number) => string)): Scenario {
  return defineScenario<{ token: string }>({
    name,
    description: `${name} as user${user}`,
    setup: loginAs(user, data),
    flows: [
      {
        name,
        steps: [
          {
            name,
            path: typeof path === 'string' ? path : ({ vu, iteration }) => path(vu + iteration),
            headers: bearer,
            check: { status: 200 },
          },
        ],
      },
    ],
  });
}

function anonymous(
  name: string,
  path: (i: number) => string,
  headers: Record<string, string> = {},
): Scenario {
  return defineScenario({
    name,
    description: name,
    flows: [
      {
        name,
        steps: [{ name, path: ({ vu, iteration }) => path(vu + iteration), headers, check: { status: 200 } }],
      },
    ],
  });
}

/** The heavy customer (user 1) has tens of thousands of orders on PostgreSQL (see prepareLabData). */
export const HEAVY_USER = 1;
/** An ordinary customer: about ten orders, like most. */
const ORDINARY_USER = 2;

export const WORKLOADS: readonly Workload[] = [
  {
    flag: 'n_plus_one',
    requests: `GET /api/orders?limit=100 as the heavy customer`,
    rate: 100,
    scenario: (d) => authed('orders.history100', HEAVY_USER, d, '/api/orders?limit=100'),
  },
  {
    flag: 'missing_index',
    requests: 'GET /api/orders?limit=20 as an ordinary customer',
    rate: 20,
    scenario: (d) => authed('orders.history', ORDINARY_USER, d, '/api/orders?limit=20'),
  },
  {
    flag: 'offset_pagination',
    requests: 'GET /api/orders?limit=20 at a deep page of the heavy customer’s history',
    rate: 60,
    scenario: (d, on) =>
      authed(
        'orders.deep-page',
        HEAVY_USER,
        d,
        `/api/orders?limit=20&cursor=${on ? encodeCursor(['offset', d.deepOffset]) : d.deepKeysetCursor}`,
      ),
  },
  {
    flag: 'select_star',
    requests: 'GET /api/products?limit=100',
    rate: 100,
    scenario: () => anonymous('products.list100', () => '/api/products?limit=100'),
  },
  {
    flag: 'no_cache',
    requests: 'GET /api/products/:id over the first 200 products',
    rate: 100,
    scenario: (d) =>
      anonymous('products.get', (i) => `/api/products/${d.productIds[i % d.productIds.length]}`),
  },
  {
    flag: 'no_compression',
    requests: 'GET /api/products?limit=100 with Accept-Encoding: gzip',
    rate: 50,
    scenario: () =>
      anonymous('products.list100.gzip', () => '/api/products?limit=100', { 'accept-encoding': 'gzip' }),
    responseBytes: (target) => wireBytes(target, '/api/products?limit=100', { 'accept-encoding': 'gzip' }),
  },
  {
    flag: 'small_pool',
    requests: 'GET /api/users/me/summary as the heavy customer',
    rate: 150,
    postgresOnly: true,
    scenario: (d) => authed('users.summary', HEAVY_USER, d, '/api/users/me/summary'),
  },
  {
    flag: 'sequential_io',
    requests: 'GET /api/users/me/summary as the heavy customer',
    rate: 50,
    scenario: (d) => authed('users.summary', HEAVY_USER, d, '/api/users/me/summary'),
  },
  {
    flag: 'normalized_reads',
    requests: 'GET /api/orders?limit=20 as an ordinary customer',
    rate: 50,
    scenario: (d) => authed('orders.history', ORDINARY_USER, d, '/api/orders?limit=20'),
  },
  {
    flag: 'blocking_hash',
    requests: 'POST /api/auth/login, plus GET /api/products/:id beside it',
    rate: 80,
    scenario: (d) =>
      defineScenario({
        name: 'login',
        description: 'log in, then read a product',
        flows: [
          {
            name: 'login',
            steps: [
              {
                name: 'auth.login',
                method: 'POST',
                path: '/api/auth/login',
                body: ({ vu, iteration }) => ({
                  email: customerEmail(((vu + iteration) % 100) + 2),
                  password: d.seedPassword,
                }),
                check: { status: 200 },
              },
              { name: 'products.get', path: '/api/products/5', check: { status: 200 } },
            ],
          },
        ],
      }),
  },
  {
    flag: 'event_loop_block',
    requests: 'GET /api/reports/sales as the admin, beside GET /api/products/5',
    rate: 5,
    scenario: (d) =>
      defineScenario<{ token: string }>({
        name: 'reports.sales',
        description: 'the sales report, and a product read that waits behind it',
        setup: loginAsAdmin(d),
        flows: [
          {
            name: 'report',
            steps: [
              { name: 'reports.sales', path: '/api/reports/sales', headers: bearer, check: { status: 200 } },
              { name: 'products.get', path: '/api/products/5', check: { status: 200 } },
            ],
          },
        ],
      }),
  },
  {
    flag: 'buffered_export',
    requests: 'GET /api/orders/export as the admin (every order as CSV)',
    rate: 1,
    scenario: (d) =>
      defineScenario<{ token: string }>({
        name: 'orders.export',
        description: 'the full CSV export',
        setup: loginAsAdmin(d),
        flows: [
          {
            name: 'export',
            steps: [
              { name: 'orders.export', path: '/api/orders/export', headers: bearer, check: { status: 200 } },
            ],
          },
        ],
      }),
  },
  {
    flag: 'memory_leak',
    requests: 'GET /api/products?limit=5',
    rate: 200,
    scenario: () => anonymous('products.list5', () => '/api/products?limit=5'),
  },
];

/** Flags the lab does not load, and why (listed on the results page). */
export const UNMEASURED: readonly { flag: FlagName; why: string }[] = [
  {
    flag: 'fault_headers',
    why: 'it adds the latency and errors a request asks for; there is nothing to measure',
  },
];
