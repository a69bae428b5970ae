import { defineScenario } from '../../../loadtests/scenario-runtime/define-scenario.js';

/** A scenario file for CLI tests: one fast GET against the test server. */
export default defineScenario({
  name: 'fast',
  description: 'GET /fast',
  flows: [{ name: 'f', steps: [{ name: 'fast', path: '/fast', check: { status: 200 } }] }],
});
