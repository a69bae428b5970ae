import { defineScenario } from '../scenario-runtime/define-scenario.js';
import { browseFlow, checkoutFlow, health, ordersFlow, shopSetup } from './shop.js';

export default defineScenario({
  name: 'mixed',
  description: 'Realistic weighted traffic: mostly browsing, some order history, a few checkouts.',
  setup: shopSetup,
  flows: [
    { ...browseFlow, weight: 70 },
    { ...ordersFlow, weight: 20 },
    { ...checkoutFlow, weight: 8 },
    { name: 'health', weight: 2, steps: [health] },
  ],
  thinkTime: { min: 0, max: 20 },
});
