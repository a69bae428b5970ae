import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsPacing } from '../../../loadtests/engine/paced-closed-model.js';
import { run } from '../../../loadtests/run.js';
import { readCsv, readJsonData } from '../../../loadtests/scenario-runtime/data-file.js';
import { defineScenario } from '../../../loadtests/scenario-runtime/define-scenario.js';
import type { LoadModel, StepDefinition } from '../../../loadtests/types.js';

// A session API: POST /login sets a cookie and returns a token; /me wants both.
// /token/* is the same without cookies; /think records when each request arrived.
let server: Server;
let url: string;
let logins = 0;
const seen = { forms: [] as string[], raws: [] as string[], users: new Set<string>() };
const tokens = { issued: new Set<string>(), forms: [] as string[] };
const arrivals: { user: string; step: number; at: number }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    // Stamped before anything else the request does, so gaps are between arrivals.
    const at = performance.now();
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const reply = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/login' && req.method === 'POST') {
        const n = ++logins;
        return reply(200, { token: `t${n}` }, { 'set-cookie': `sid=s${n}; Path=/; HttpOnly` });
      }
      if (req.url === '/me') {
        const sid = /sid=(s\d+)/.exec(req.headers.cookie ?? '')?.[1];
        const token = /^Bearer (t\d+)$/.exec(req.headers.authorization ?? '')?.[1];
        // The cookie and the token must come from the same login.
        if (!sid || !token || sid.slice(1) !== token.slice(1)) return reply(401, { error: 'no session' });
        seen.users.add(sid);
        return reply(200, { user: sid });
      }
      if (req.url === '/form') {
        seen.forms.push(`${req.headers['content-type']} ${body}`);
        return reply(200, {});
      }
      if (req.url === '/raw') {
        seen.raws.push(`${req.headers['content-type']} ${body}`);
        return reply(200, {});
      }
      const path = new URL(req.url ?? '/', 'http://x');
      if (path.pathname === '/think') {
        arrivals.push({
          user: path.searchParams.get('u') ?? '',
          step: Number(path.searchParams.get('s')),
          at,
        });
        return reply(200, {});
      }
      if (path.pathname === '/token/login' && req.method === 'POST') {
        const token = `t${++logins}`;
        tokens.issued.add(token);
        return reply(200, { token });
      }
      if (path.pathname === '/token/me') {
        const token = /^Bearer (t\d+)$/.exec(req.headers.authorization ?? '')?.[1];
        return token && tokens.issued.has(token) ? reply(200, { token }) : reply(401, { error: 'no token' });
      }
      if (path.pathname === '/token/form') {
        tokens.forms.push(`${req.headers['content-type']} ${body}`);
        return reply(200, {});
      }
      reply(404, {});
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const session = (extra: { session?: 'user' } = {}) =>
  defineScenario({
    name: 'session',
    description: 'log in once per user, then loop',
    cookies: true,
    ...extra,
    flows: [
      {
        name: 'loop',
        steps: [
          { name: 'login', method: 'POST', path: '/login', once: true, capture: { token: 'token' } },
          {
            name: 'me',
            path: '/me',
            headers: ({ vars }) => ({ authorization: `Bearer ${String(vars.token)}` }),
            check: { status: 200 },
            thinkTime: 40,
          },
          { name: 'form', method: 'POST', path: '/form', form: ({ vu }) => ({ user: vu, note: 'a b&c' }) },
          {
            name: 'raw',
            method: 'POST',
            path: '/raw',
            rawBody: 'id,qty\n1,2',
            headers: { 'content-type': 'text/csv' },
          },
        ],
      },
    ],
  });

describe('sessions, think time, cookies, bodies', () => {
  it('closed model: each user logs in once, keeps token and cookie across iterations, and pauses', async () => {
    logins = 0;
    seen.users.clear();
    seen.forms.length = 0;
    const model: LoadModel = { kind: 'closed', connections: 2 };
    const r = await run({ target: url, scenario: session(), model, durationMs: 800, scrape: false }).finished;
    expect(r.totals.errors).toBe(0);
    expect(logins).toBe(2);
    expect(r.endpoints.login?.requests ?? 0).toBeLessThanOrEqual(2);
    expect(r.endpoints.me?.requests).toBeGreaterThan(2);
    expect(seen.users).toEqual(new Set(['s1', 's2']));
    // 40 ms of think time after every /me: two users cannot make more than 800/40 iterations each.
    expect(r.endpoints.me?.requests).toBeLessThanOrEqual(2 * (800 / 40 + 1));
    expect(seen.forms[0]).toMatch(/^application\/x-www-form-urlencoded user=[01]&note=a\+b%26c$/);
    expect(seen.raws[0]).toBe('text/csv id,qty\n1,2');
  });

  it('open model: every arrival is a new user by default, and reuses idle users with session "user"', async () => {
    const model: LoadModel = { kind: 'open', rate: 40, maxConnections: 32, maxSendLagMs: 50 };
    logins = 0;
    const fresh = await run({ target: url, scenario: session(), model, durationMs: 500, scrape: false })
      .finished;
    expect(fresh.totals.errors).toBe(0);
    // 40 flows/s for 0.5 s: 20 arrivals, each a new user that logs in.
    expect(fresh.endpoints.login?.requests).toBe(20);
    expect(logins).toBe(20);
    logins = 0;
    const reused = await run({
      target: url,
      scenario: session({ session: 'user' }),
      model: { ...model, rate: 100 },
      durationMs: 500,
      scrape: false,
    }).finished;
    expect(reused.totals.errors).toBe(0);
    // An iteration takes over 40 ms (the think time) while arrivals come 10 ms apart: a few users, reused.
    expect(reused.endpoints.me?.requests).toBeGreaterThan(reused.endpoints.login?.requests ?? 0);
  });

  it('rejects a step with two kinds of body', () => {
    expect(() =>
      defineScenario({
        name: 'x',
        description: '',
        flows: [{ name: 'f', steps: [{ name: 's', path: '/', body: {}, form: { a: '1' } }] }],
      }),
    ).toThrow(/use one of body, form and rawBody/);
  });
});

/** A step of the /think flow: its path names the user and the step, so the server can time each user's steps. */
const thinkStep = (step: number, thinkTime?: number): StepDefinition<unknown> => ({
  name: `s${step}`,
  path: ({ vu }) => `/think?u=${vu}&s=${step}`,
  ...(thinkTime !== undefined ? { thinkTime } : {}),
});

/** The server's arrivals per user, in arrival order; then forgets them for the next run. */
function takeArrivals(): Map<string, { step: number; at: number }[]> {
  const byUser = new Map<string, { step: number; at: number }[]>();
  for (const a of [...arrivals].sort((x, y) => x.at - y.at)) {
    byUser.set(a.user, [...(byUser.get(a.user) ?? []), { step: a.step, at: a.at }]);
  }
  arrivals.length = 0;
  return byUser;
}

const gaps = (list: { at: number }[]): number[] => list.slice(1).map((a, i) => a.at - (list[i]?.at ?? 0));

// Node timers run on the event loop's whole-millisecond clock, so a sleep can end up to a
// millisecond before its wall-clock deadline: less than that is rounding, more is a missing pause.
const TIMER_SLACK_MS = 1;

describe('think time, measured at the server', () => {
  const T = 50;

  it("open model: a step's thinkTime of T puts at least T between its request and the next step's", async () => {
    arrivals.length = 0;
    const scenario = defineScenario({
      name: 'think',
      description: 'three steps, pausing after the first two',
      flows: [{ name: 'f', steps: [thinkStep(0, T), thinkStep(1, T), thinkStep(2)] }],
    });
    const model: LoadModel = { kind: 'open', rate: 20, maxConnections: 32, maxSendLagMs: 50 };
    const r = await run({ target: url, scenario, model, durationMs: 500, scrape: false }).finished;
    expect(r.totals.errors).toBe(0);
    // The open model ends when its last flow has: 20 flows/s for 0.5 s is 10 users, 3 steps each.
    const byUser = takeArrivals();
    expect(byUser.size).toBe(10);
    const all: number[] = [];
    for (const steps of byUser.values()) {
      expect(steps.map((s) => s.step)).toEqual([0, 1, 2]);
      all.push(...gaps(steps));
    }
    for (const gap of all) expect(gap).toBeGreaterThanOrEqual(T - TIMER_SLACK_MS);
    // A pause of T, not of two: the shortest gap is T plus one fast round trip.
    expect(Math.min(...all)).toBeLessThan(2 * T);
  });

  it('a scenario-level thinkTime paces every step without a thinkTime of its own', async () => {
    arrivals.length = 0;
    const scenario = defineScenario({
      name: 'scenario-think',
      description: 'two steps, the scenario pausing after each',
      thinkTime: T,
      flows: [{ name: 'f', steps: [thinkStep(0), thinkStep(1)] }],
    });
    expect(needsPacing(scenario)).toBe(true);
    const open: LoadModel = { kind: 'open', rate: 20, maxConnections: 32, maxSendLagMs: 50 };
    const o = await run({ target: url, scenario, model: open, durationMs: 300, scrape: false }).finished;
    expect(o.totals.errors).toBe(0);
    const flows = takeArrivals();
    expect(flows.size).toBe(6);
    for (const steps of flows.values()) {
      expect(steps.map((s) => s.step)).toEqual([0, 1]);
      expect(gaps(steps)[0]).toBeGreaterThanOrEqual(T - TIMER_SLACK_MS);
    }

    // The closed model's users also pause after the last step, before their next iteration.
    const closed: LoadModel = { kind: 'closed', connections: 2 };
    const c = await run({ target: url, scenario, model: closed, durationMs: 600, scrape: false }).finished;
    expect(c.totals.errors).toBe(0);
    const users = takeArrivals();
    expect([...users.keys()].sort()).toEqual(['0', '1']);
    for (const steps of users.values()) {
      // At least s0 s1 s0 s1: two iterations, so the pause between them was taken.
      expect(steps.length).toBeGreaterThanOrEqual(4);
      expect(steps.length).toBeLessThanOrEqual(600 / T + 1);
      for (const gap of gaps(steps)) expect(gap).toBeGreaterThanOrEqual(T - TIMER_SLACK_MS);
    }
  });
});

describe('closed model on autocannon (no cookies, no think time)', () => {
  it('sends `once` steps once per user, keeps captures across iterations, and sends form bodies', async () => {
    logins = 0;
    tokens.issued.clear();
    tokens.forms.length = 0;
    const scenario = defineScenario({
      name: 'token-session',
      description: 'log in once per user, then loop over me and a form',
      flows: [
        {
          name: 'loop',
          steps: [
            { name: 'login', method: 'POST', path: '/token/login', once: true, capture: { token: 'token' } },
            {
              name: 'me',
              path: '/token/me',
              headers: ({ vars }) => ({ authorization: `Bearer ${String(vars.token)}` }),
              check: { status: 200 },
            },
            {
              name: 'form',
              method: 'POST',
              path: '/token/form',
              form: ({ vu, iteration, vars }) => ({
                vu,
                iteration,
                token: String(vars.token),
                note: 'a b&c',
              }),
            },
          ],
        },
      ],
    });
    // The path under test: autocannon with a ClosedVirtualUser per connection, not the paced engine.
    expect(needsPacing(scenario)).toBe(false);
    const model: LoadModel = { kind: 'closed', connections: 2 };
    const r = await run({ target: url, scenario, model, requests: 150, scrape: false }).finished;
    expect(r.totals.requests).toBe(150);
    expect(r.totals.errors).toBe(0);
    expect(logins).toBe(2);
    expect(r.endpoints.login?.requests).toBe(2);
    // Each user alternates me and form after its one login.
    const me = r.endpoints.me?.requests ?? 0;
    expect(me).toBeGreaterThan(60);
    expect(Math.abs(me - (r.endpoints.form?.requests ?? 0))).toBeLessThanOrEqual(2);

    const forms = tokens.forms.map((line) => {
      const [type, body] = line.split(' ');
      return { type, fields: Object.fromEntries(new URLSearchParams(body)) };
    });
    expect(forms.length).toBeGreaterThanOrEqual(me - 2);
    const tokenOf = new Map<string, string>();
    const lastIteration = new Map<string, number>();
    for (const { type, fields } of forms) {
      expect(type).toBe('application/x-www-form-urlencoded');
      expect(fields.note).toBe('a b&c');
      const vu = fields.vu as string;
      expect(['0', '1']).toContain(vu);
      expect(tokens.issued.has(fields.token as string)).toBe(true);
      // The token captured by the first iteration's login is still there in every later one.
      expect(fields.token).toBe(tokenOf.get(vu) ?? fields.token);
      tokenOf.set(vu, fields.token as string);
      lastIteration.set(vu, Math.max(lastIteration.get(vu) ?? 0, Number(fields.iteration)));
    }
    expect(new Set(tokenOf.values()).size).toBe(2);
    for (const it of lastIteration.values()) expect(it).toBeGreaterThan(10);
  });
});

describe('data files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perflab-data-'));

  it('reads CSV with quotes, embedded commas and a BOM', async () => {
    const file = join(dir, 'users.csv');
    writeFileSync(file, '\ufeffemail,name\nuser1@x,"Doe, Jane"\n\n"user2@x","Say ""hi"""\n');
    expect(await readCsv(file)).toEqual([
      { email: 'user1@x', name: 'Doe, Jane' },
      { email: 'user2@x', name: 'Say "hi"' },
    ]);
  });

  it('names the file and the problem', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n"unclosed,1\n');
    await expect(readCsv(bad)).rejects.toThrow(/bad\.csv: not usable CSV/);
    await expect(readCsv(join(dir, 'none.csv'))).rejects.toThrow(/none\.csv: cannot read/);
    const json = join(dir, 'ids.json');
    writeFileSync(json, '{"not":"an array"}');
    await expect(readJsonData(json)).rejects.toThrow(/expected a non-empty JSON array/);
    writeFileSync(json, '[1,2]');
    expect(await readJsonData<number>(json)).toEqual([1, 2]);
  });
});
