import { defineScenario } from '../scenario-runtime/define-scenario.js';
import { checkoutFlow, shopSetup } from './shop.js';

export default defineScenario({
  name: 'checkout',
  description: 'Log in, look at a product, place an order for it, read the order back.',
  setup: shopSetup,
  flows: [checkoutFlow],
});
