import type { FlowDefinition, SetupContext, StepDefinition } from '../types.js';

/**
 * Steps shared by the bundled scenarios for the target app (the shop API).
 * Seeded accounts are user1..userN@perflab.local; N and the password come
 * from the same env vars the seeder reads.
 */
export interface ShopData {
  productIds: string[];
  users: number;
  password: string;
}

const SEARCH_TERMS = ['', 'lamp', 'chair', 'mug', 'book', 'pro', 'mini'];

export async function shopSetup(ctx: SetupContext): Promise<ShopData> {
  const page = await ctx.request<{ items: { id: string | number }[] }>('GET', '/api/products?limit=50');
  const productIds = page.items.map((p) => String(p.id));
  if (productIds.length === 0)
    throw new Error('GET /api/products returned no products: is the database seeded?');
  return {
    productIds,
    users: Math.max(1, Number(process.env.PERFLAB_SEED_USERS ?? 10) || 10),
    password: process.env.PERFLAB_SEED_PASSWORD ?? 'perflab-seed-password',
  };
}

export const pick = <T>(items: readonly T[], i: number): T => items[i % items.length] as T;

export const login: StepDefinition<ShopData> = {
  name: 'login',
  method: 'POST',
  path: '/api/auth/login',
  body: ({ data, vu }) => ({ email: `user${(vu % data.users) + 1}@perflab.local`, password: data.password }),
  capture: { token: 'token' },
  check: { status: 200 },
};

export const bearer = ({ vars }: { vars: Record<string, unknown> }): Record<string, string> => ({
  authorization: `Bearer ${String(vars.token)}`,
});

export const searchProducts: StepDefinition<ShopData> = {
  name: 'products.search',
  path: ({ vu, iteration }) => `/api/products?limit=20&q=${pick(SEARCH_TERMS, vu + iteration)}`,
  capture: { cursor: (res) => (res.json as { nextCursor?: unknown }).nextCursor ?? '' },
  check: { status: 200, json: { items: true } },
};

// A search that fits in one page has no next cursor; then the page step
// reads the first page of the unfiltered list instead.
export const nextPage: StepDefinition<ShopData> = {
  name: 'products.page',
  path: ({ vars }) =>
    vars.cursor
      ? `/api/products?limit=20&cursor=${encodeURIComponent(String(vars.cursor))}`
      : '/api/products?limit=20',
  check: { status: 200, json: { items: true } },
};

export const productDetail: StepDefinition<ShopData> = {
  name: 'products.get',
  path: ({ data, vu, iteration }) => `/api/products/${pick(data.productIds, vu * 7 + iteration)}`,
  check: { status: 200, json: { id: true } },
};

export const listOrders: StepDefinition<ShopData> = {
  name: 'orders.list',
  path: '/api/orders?limit=20',
  headers: bearer,
  check: { status: 200, json: { items: true } },
};

export const placeOrder: StepDefinition<ShopData> = {
  name: 'orders.create',
  method: 'POST',
  path: '/api/orders',
  headers: bearer,
  body: ({ data, vu, iteration }) => ({
    items: [{ productId: pick(data.productIds, vu + iteration), quantity: 1 }],
  }),
  capture: { orderId: 'id' },
  check: { status: 201 },
};

export const getOrder: StepDefinition<ShopData> = {
  name: 'orders.get',
  path: '/api/orders/{{orderId}}',
  headers: bearer,
  check: { status: 200, json: { id: true } },
};

export const me: StepDefinition<ShopData> = {
  name: 'users.me',
  path: '/api/users/me',
  headers: bearer,
  check: { status: 200 },
};

export const health: StepDefinition<ShopData> = { name: 'healthz', path: '/healthz', check: { status: 200 } };
export const ready: StepDefinition<ShopData> = { name: 'readyz', path: '/readyz', check: { status: 200 } };

export const browseFlow: FlowDefinition<ShopData> = {
  name: 'browse',
  steps: [searchProducts, nextPage, productDetail],
};
export const ordersFlow: FlowDefinition<ShopData> = { name: 'orders', steps: [login, listOrders, me] };
export const checkoutFlow: FlowDefinition<ShopData> = {
  name: 'checkout',
  steps: [login, productDetail, placeOrder, getOrder],
};
