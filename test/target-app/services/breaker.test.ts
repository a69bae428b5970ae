import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricNames as N } from '../../../probes/index.js';
import { DEGRADED_HEADER } from '../../../target-app/services/orders/orders-app.js';
import { startTestSystem, type TestSystem } from './helpers/system.js';

// Fault test: the users service goes down and comes back. Orders keep
// answering (user: null, X-Degraded), the breaker opens (its metric says so),
// and once users is back the breaker half-opens and closes. The reset time is
// shortened from the seed's 30 s so the test does not wait half a minute.

let t: TestSystem;
let token: string;
let orderId: number;

beforeAll(async () => {
  t = await startTestSystem({
    env: { BREAKER_RESET_MS: '300', BREAKER_VOLUME_THRESHOLD: '2', BREAKER_TIMEOUT_MS: '1000' },
  });
  token = await t.login(2);
  const res = await t.request('/api/orders', {
    method: 'POST',
    token,
    body: { items: [{ productId: 1, quantity: 1 }] },
  });
  orderId = res.body.id;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

async function breaker() {
  const registry = t.system.instr.get('orders')!.registry;
  const state = (await registry.getSingleMetric(N.BREAKER_STATE)?.get())?.values.find(
    (v) => v.labels[N.LABEL_BREAKER] === 'users',
  )?.value;
  const events = (await registry.getSingleMetric(N.BREAKER_EVENTS)?.get())?.values ?? [];
  const count = (event: string) =>
    events.find((v) => v.labels[N.LABEL_BREAKER] === 'users' && v.labels[N.LABEL_BREAKER_EVENT] === event)
      ?.value ?? 0;
  return { state, count };
}

/** Asks for the order until `done` holds for the answer, at most `tries` times. */
async function pollOrder(
  done: (res: Awaited<ReturnType<TestSystem['request']>>) => Promise<boolean> | boolean,
  tries: number,
) {
  for (let i = 0; i < tries; i++) {
    const res = await t.request(`/api/orders/${orderId}`, { token });
    expect(res.status).toBe(200);
    if (await done(res)) return res;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met after ${tries} requests`);
}

describe('orders → users circuit breaker', () => {
  it('answers with the user while users is up, breaker closed', async () => {
    const res = await t.request(`/api/orders/${orderId}`, { token });
    expect(res.body.user).toMatchObject({ id: 2 });
    expect(res.headers.get(DEGRADED_HEADER)).toBeNull();
    expect((await breaker()).state).toBe(0);
  });

  it('with users down: user null and X-Degraded, then the breaker opens and rejects without calling', async () => {
    await t.system.stop('users');
    const first = await t.request(`/api/orders/${orderId}`, { token });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: orderId, user: null });
    expect(first.headers.get(DEGRADED_HEADER)).toBe('users');
    await pollOrder(async () => (await breaker()).state === 2, 50);
    const open = await pollOrder((res) => res.headers.get(DEGRADED_HEADER) === 'users', 1);
    expect(open.body.user).toBeNull();
    const b = await breaker();
    expect(b.count('open')).toBeGreaterThanOrEqual(1);
    expect(b.count('failure')).toBeGreaterThanOrEqual(2);
    expect(b.count('fallback')).toBeGreaterThanOrEqual(3);
    // The gateway cannot reach users either: its own JSON 502.
    const login = await t.request('/api/auth/login', {
      method: 'POST',
      body: { email: 'user2@perflab.local', password: 'x' },
    });
    expect(login).toMatchObject({ status: 502, body: { error: { code: 'UPSTREAM_UNAVAILABLE' } } });
    // Placing an order does not need users: it still succeeds, degraded.
    const placed = await t.request('/api/orders', {
      method: 'POST',
      token,
      body: { items: [{ productId: 2, quantity: 1 }] },
    });
    expect(placed).toMatchObject({ status: 201, body: { status: 'pending', user: null } });
  });

  it('closes again once users is back (after the reset timeout, through half-open)', async () => {
    await t.system.restart('users');
    const back = await pollOrder((res) => res.body.user !== null, 100);
    expect(back.body.user).toMatchObject({ id: 2 });
    expect(back.headers.get(DEGRADED_HEADER)).toBeNull();
    const b = await breaker();
    expect(b.state).toBe(0);
    expect(b.count('half_open')).toBeGreaterThanOrEqual(1);
    expect(b.count('close')).toBeGreaterThanOrEqual(1);
  });
});
