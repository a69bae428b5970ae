import { defineScenario } from '../scenario-runtime/define-scenario.js';
import { browseFlow, shopSetup } from './shop.js';

export default defineScenario({
  name: 'browse',
  description: 'Anonymous product search, the next page by cursor, then one product.',
  setup: shopSetup,
  flows: [browseFlow],
  thinkTime: { min: 0, max: 50 },
});
