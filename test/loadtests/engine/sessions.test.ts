import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../loadtests/run.js';
import { readCsv, readJsonData } from '../../../loadtests/scenario-runtime/data-file.js';
import { defineScenario } from '../../../loadtests/scenario-runtime/define-scenario.js';
import type { LoadModel } from '../../../loadtests/types.js';

// A session API: POST /login sets a cookie and returns a token; /me wants both.
let server: Server;
let url: string;
let logins = 0;
const seen = { forms: [] as string[], raws: [] as string[], users: new Set<string>() };
beforeAll(async () => {
  server = createServer((req, res) => {
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
