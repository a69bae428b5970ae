import { defineScenario } from '../../../loadtests/scenario-runtime/define-scenario.js';
import type { Scenario, StepPoll } from '../../../loadtests/types.js';
import type { TestServer } from './test-server.js';
import { startTestServer } from './test-server.js';

/**
 * A test server whose `/poll?key=K&after=N` answers `{ state: 'pending' }`
 * to the first N-1 requests for key K and `{ state: 'done' }` from the N-th
 * on; with `failAt=M` the M-th request for K is a 500.
 */
export async function startPollServer(): Promise<TestServer> {
  const seen = new Map<string, number>();
  return startTestServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/poll') return false;
    const key = url.searchParams.get('key') ?? '';
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const failed = Number(url.searchParams.get('failAt')) === n;
    const state = n >= Number(url.searchParams.get('after')) ? 'done' : 'pending';
    const text = JSON.stringify(failed ? { error: 'broken' } : { state, n });
    res.writeHead(failed ? 500 : 200, { 'content-type': 'application/json' });
    res.end(text);
    return true;
  });
}

/**
 * One step, `settled`, polling its own key (one per user and iteration) of
 * the poll server until `state` is `done`; the state comes through a capture,
 * so `until` reads it from `vars` as a scenario would.
 */
export function pollScenario(opts: {
  after: number;
  intervalMs: number;
  maxAttempts: number;
  failAt?: number;
  until?: StepPoll['until'];
}): Scenario {
  const fail = opts.failAt === undefined ? '' : `&failAt=${opts.failAt}`;
  return defineScenario({
    name: 'poll',
    description: 'poll until done',
    flows: [
      {
        name: 'f',
        steps: [
          {
            name: 'settled',
            path: ({ vu, iteration }) => `/poll?key=${vu}-${iteration}&after=${opts.after}${fail}`,
            capture: { state: 'state' },
            poll: {
              until: opts.until ?? ((_res, vars) => vars.state === 'done'),
              intervalMs: opts.intervalMs,
              maxAttempts: opts.maxAttempts,
            },
          },
        ],
      },
    ],
  });
}
