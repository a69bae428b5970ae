import { defineScenario } from '../scenario-runtime/define-scenario.js';
import { shopSetup } from './shop.js';
import type { ShopData } from './shop.js';

interface OrderHistoryData extends ShopData {
  tokens: string[];
}

/**
 * The order history alone, the route the optimization lab's n_plus_one and
 * missing_index flags slow down. Users log in once, in setup: a login per
 * iteration would measure Argon2id rather than the order history.
 */
export default defineScenario<OrderHistoryData>({
  name: 'order-history',
  description: 'Read the order history (GET /api/orders) as seeded users who logged in once in setup.',
  async setup(ctx) {
    const shop = await shopSetup(ctx);
    const users = Math.min(shop.users, 5);
    const tokens: string[] = [];
    for (let i = 1; i <= users; i++) {
      const res = await ctx.request<{ token: string }>('POST', '/api/auth/login', {
        email: `user${i}@perflab.local`,
        password: shop.password,
      });
      tokens.push(res.token);
    }
    return { ...shop, tokens };
  },
  flows: [
    {
      name: 'order-history',
      steps: [
        {
          name: 'orders.list',
          path: '/api/orders?limit=20',
          headers: ({ data, vu }) => ({
            authorization: `Bearer ${data.tokens[vu % data.tokens.length] ?? ''}`,
          }),
          check: { status: 200, json: { items: true } },
        },
      ],
    },
  ],
});
