import {
  browseFlow,
  checkoutFlow,
  ordersFlow,
  shopSetup,
} from '../../../loadtests/bundled-scenarios/shop.js';
import { defineScenario } from '../../../loadtests/scenario-runtime/define-scenario.js';

/** A product search for this term fails inside the database driver (see every-panel.test.ts). */
export const FAILING_SEARCH = 'perflab-stack-failure';

/** The shop's traffic plus a route that answers 500: every panel needs something to show. */
export default defineScenario({
  name: 'stack-proof',
  description: 'Browse, order history, checkout and a failing search against the target app.',
  setup: shopSetup,
  flows: [
    { ...browseFlow, weight: 6 },
    { ...ordersFlow, weight: 2 },
    { ...checkoutFlow, weight: 1 },
    {
      name: 'failing',
      weight: 1,
      steps: [{ name: 'failing search', path: `/api/products?q=${FAILING_SEARCH}`, check: { status: 200 } }],
    },
  ],
});
