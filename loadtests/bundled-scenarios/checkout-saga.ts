import { defineScenario } from '../scenario-runtime/define-scenario.js';
import { bearer, login, placeOrder, productDetail, shopSetup, type ShopData } from './shop.js';
import type { StepDefinition } from '../types.js';

/**
 * Checkout to its end. In the services shape (`npm run target -- --mode
 * services`) an order is accepted `pending` and settled by the saga over the
 * bus; the `orders.settle` step asks for the order with `Prefer: wait=10`,
 * which the orders service answers once the order is `confirmed` or `failed`,
 * so the step's latency is the time to the terminal state, beside the HTTP
 * latency of `orders.create`. The monolith ignores the header: its orders are
 * final at once, and the same scenario runs there unchanged.
 */
const settle: StepDefinition<ShopData> = {
  name: 'orders.settle',
  path: '/api/orders/{{orderId}}',
  headers: (ctx) => ({ ...bearer(ctx), prefer: 'wait=10' }),
  check: {
    status: 200,
    custom: (res) => {
      const status = (res.json as { status?: unknown } | undefined)?.status;
      return status === 'confirmed' || status === 'failed' ? true : `order still ${String(status)}`;
    },
  },
};

export default defineScenario({
  name: 'checkout-saga',
  description: 'Log in, look at a product, order it, and wait for the saga to confirm or fail the order.',
  setup: shopSetup,
  flows: [{ name: 'checkout-saga', steps: [login, productDetail, placeOrder, settle] }],
});
