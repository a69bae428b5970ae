import { defineScenario } from '../scenario-runtime/define-scenario.js';
import {
  getOrder,
  health,
  listOrders,
  login,
  me,
  nextPage,
  placeOrder,
  productDetail,
  ready,
  searchProducts,
  shopSetup,
} from './shop.js';

export default defineScenario({
  name: 'smoke',
  description:
    'Every endpoint of the shop API once per iteration; run it with --requests or a short duration.',
  setup: shopSetup,
  flows: [
    {
      name: 'everything',
      steps: [
        health,
        ready,
        searchProducts,
        nextPage,
        productDetail,
        login,
        me,
        placeOrder,
        getOrder,
        listOrders,
      ],
    },
  ],
  thresholds: ['errors<1%'],
});
