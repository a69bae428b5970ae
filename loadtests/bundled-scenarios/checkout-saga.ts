import { defineScenario } from '../scenario-runtime/define-scenario.js';
import { bearer, login, placeOrder, productDetail, shopSetup, type ShopData } from './shop.js';
import type { StepDefinition } from '../types.js';

const TERMINAL: ReadonlySet<unknown> = new Set(['confirmed', 'failed']);

/**
 * Checkout to its end. In the services shape (`npm run target -- --mode
 * services`) an order is accepted `pending` and settled by the saga over the
 * bus; the `saga.settled` step polls the order every 50 ms until it is
 * `confirmed` or `failed`, so its latency is the time to the terminal state
 * (from its first poll, right after `orders.create` answered), beside the
 * HTTP latency of `orders.create`. The monolith's orders are final at once:
 * there the first poll settles it, and the same scenario runs unchanged.
 * 200 attempts bound a poll to about 10 s plus the requests' own time.
 */
const settled: StepDefinition<ShopData> = {
  name: 'saga.settled',
  path: '/api/orders/{{orderId}}',
  headers: bearer,
  check: { status: 200 },
  poll: {
    until: (res) => TERMINAL.has((res.json as { status?: unknown } | undefined)?.status),
    intervalMs: 50,
    maxAttempts: 200,
  },
};

export default defineScenario({
  name: 'checkout-saga',
  description: 'Log in, look at a product, order it, and poll the order until the saga confirms or fails it.',
  setup: shopSetup,
  flows: [{ name: 'checkout-saga', steps: [login, productDetail, placeOrder, settled] }],
});
