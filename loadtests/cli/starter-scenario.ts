/**
 * What `perflab init` writes: a scenario for the user's own API, commented
 * so it teaches the format. The pack-and-install test type-checks and runs
 * it against a fresh project, so it cannot drift from the published types.
 */
export const STARTER_SCENARIO = `// A perflab scenario for your own API. Edit the steps, then run it:
//
//   npx perflab run __FILE__ --target http://127.0.0.1:3000 -c 10 -d 30s
//   npx perflab run __FILE__ --target http://127.0.0.1:3000 --rate 20 -d 1m   (20 flows/s)
//
// Closed model (-c): N virtual users, each sending its next request when the
// last one answered. Open model (--rate / --stages): flows start on a fixed
// schedule whether or not earlier ones finished, as real visitors do.
import { defineScenario } from 'perflab';

export default defineScenario({
  name: 'my-api',
  description: 'Reads the health endpoint, then a list and one item of it',

  // Optional: runs once before any load; what it returns is \`data\` in every step.
  // setup: async ({ request }) => ({ ids: (await request<{ id: string }[]>('GET', '/api/items')).map((i) => i.id) }),

  flows: [
    {
      // A flow is one visitor's path through the API; with several flows,
      // \`weight\` sets how often each is picked.
      name: 'browse',
      weight: 1,
      steps: [
        // Results are grouped by step name, not by URL.
        { name: 'health', path: '/', check: { status: 200 } },
        // Capture values from a JSON answer for later steps ({{name}} in a path):
        // { name: 'list', path: '/api/items', capture: { itemId: '0.id' } },
        // { name: 'item', path: '/api/items/{{itemId}}', check: { json: { id: true } } },
        // A POST with a JSON body:
        // { name: 'create', method: 'POST', path: '/api/items', body: { name: 'lamp' }, check: { status: 201 } },
      ],
    },
  ],

  // Pause between steps of a flow, in ms (a number, or a range drawn uniformly).
  thinkTime: { min: 100, max: 500 },

  // Pass/fail gates, checked after the run: exit code 1 when one fails.
  thresholds: ['p95<500ms', 'errors<1%'],
});
`;
