import { defineScenario } from '../scenario-runtime/define-scenario.js';
import { ordersFlow, shopSetup } from './shop.js';

export default defineScenario({
  name: 'orders',
  description: 'Log in as a seeded user, then read the order history and the profile.',
  setup: shopSetup,
  flows: [ordersFlow],
});
