import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerEmail } from '../../../target-app/seed.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { unique } from './harness.js';

// Issue 29, item 2: registration answered 409 EMAIL_TAKEN for a known email
// (in any letter case), so anyone could test whether an address has an
// account, undoing the login's identical-answer design.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const register = (email: string) =>
  app.request('/api/auth/register', {
    method: 'POST',
    body: { email, password: 'a long enough secret', name: 'Probe' },
  });

/** Everything an observer sees, less what differs per request anyway. */
const visible = (res: Awaited<ReturnType<typeof register>>) => {
  const headers = Object.fromEntries(
    [...res.headers].filter(
      ([name]) => !['date', 'x-request-id', 'ratelimit', 'etag', 'content-length'].includes(name),
    ),
  );
  return { status: res.status, body: res.body, headers };
};

describe('registration as an account oracle', () => {
  it.each([customerEmail(1), customerEmail(1).toUpperCase(), ` ${customerEmail(2)} `])(
    'answers the taken %j exactly like a new address',
    async (taken) => {
      const known = await register(taken);
      const fresh = await register(`new-${unique()}@example.com`);
      expect(known.status).toBe(202);
      expect(visible(known)).toEqual(visible(fresh));
    },
  );

  it('still makes the account when the address is new, and it can sign in', async () => {
    const email = `new-${unique()}@example.com`;
    expect((await register(email)).status).toBe(202);
    const login = await app.request('/api/auth/login', {
      method: 'POST',
      body: { email, password: 'a long enough secret' },
    });
    expect(login.status).toBe(200);
  });

  it('does not let a second registration take over the account', async () => {
    await register(customerEmail(3));
    const hijack = await app.request('/api/auth/login', {
      method: 'POST',
      body: { email: customerEmail(3), password: 'a long enough secret' },
    });
    expect(hijack.status).toBe(401);
  });
});
