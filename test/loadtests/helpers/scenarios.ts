import { defineScenario } from '../../../loadtests/scenario-runtime/define-scenario.js';
import type { LoadModel } from '../../../loadtests/types.js';

/** login → me: the token captured by the first step authorises the second. */
export const authFlow = defineScenario({
  name: 'auth',
  description: 'login then me',
  flows: [
    {
      name: 'session',
      steps: [
        {
          name: 'login',
          method: 'POST',
          path: '/login',
          body: ({ vu }) => ({ user: `u${vu}` }),
          capture: { token: 'token' },
        },
        {
          name: 'me',
          path: '/me',
          headers: ({ vars }) => ({ authorization: `Bearer ${String(vars.token)}` }),
          check: { status: 200, json: { user: true } },
        },
      ],
    },
  ],
});

export const single = (path: string, check?: { status?: number; json?: Record<string, unknown> }) =>
  defineScenario({
    name: 'single',
    description: path,
    flows: [{ name: 'one', steps: [{ name: path, path, ...(check ? { check } : {}) }] }],
  });

export const openModel = (rate: number, maxConnections = 256): LoadModel => ({
  kind: 'open',
  rate,
  maxConnections,
  maxSendLagMs: 50,
});
