import type { Request, RequestHandler, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../target-app/db/types.js';
import { metricsAccess } from '../../../target-app/security/metrics-access.js';
import { cachedCheck } from '../../../target-app/security/ready-cache.js';
import { loadConfig } from '../../../target-app/config.js';
import { startServer, type RunningServer } from '../../../target-app/server.js';
import { TEST_RATE_LIMITS, startTestApp, testRateLimitPrefix, type TestApp } from '../../helpers/app.js';

// Issue 29, item 4: /metrics (per-route counts, memory, table names, the Node
// version) and /readyz (a database query per call) were public and outside
// the limiter, and /api/info published the Node version.
const METRICS_BODY = 'perflab_test_metric 1\n';
const TOKEN = 'metrics-token-for-the-attack-test';
const metricsHandler: RequestHandler = (_req, res) => {
  res.type('text/plain').send(METRICS_BODY);
};

/** Counts the readiness queries that reach the database. */
function counting(db: Db, counter: { n: number }): Db {
  return {
    ...db,
    kind: db.kind,
    transaction: (fn) => db.transaction(fn),
    poolStats: () => db.poolStats(),
    close: () => db.close(),
    query: (text, params) => {
      if (text === 'SELECT 1') counter.n++;
      return db.query(text, params);
    },
  };
}

const ready = { n: 0 };
let open: TestApp;
let guarded: RunningServer;
let ownPort: RunningServer;

/** A second server on the test app's database (startServer as `npm start` runs it), with extra settings. */
const serverWith = (env: Record<string, string>) =>
  startServer({
    config: loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...TEST_RATE_LIMITS,
      RATE_LIMIT_PREFIX: testRateLimitPrefix(),
      ...env,
    }),
    db: open.db,
    seedIfEmpty: false,
    instrumentation: { metricsHandler },
  });

beforeAll(async () => {
  open = await startTestApp({
    seed: false,
    instrumentation: (db) => ({ metricsHandler, db: counting(db, ready) }),
  });
  guarded = await serverWith({ PERFLAB_METRICS_TOKEN: TOKEN });
  ownPort = await serverWith({ METRICS_PORT: '0', PERFLAB_METRICS_TOKEN: TOKEN });
});
afterAll(async () => {
  await Promise.all([guarded?.close(), ownPort?.close()]);
  await open?.close();
});

const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, text, body: text.startsWith('{') ? JSON.parse(text) : text };
};

describe('/metrics with PERFLAB_METRICS_TOKEN', () => {
  it.each([
    ['no credentials', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token-at-all-no' }],
    ['the token as Basic', { authorization: `Basic ${TOKEN}` }],
    ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
  ])('refuses %s with 401, even from loopback', async (_name, headers) => {
    const res = await get(`${guarded.url}/metrics`, headers);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    expect(res.text).not.toContain('perflab_test_metric');
  });

  it('serves the token holder', async () => {
    const res = await get(`${guarded.url}/metrics`, { authorization: `bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.text).toBe(METRICS_BODY);
  });
});

describe('/metrics with METRICS_PORT', () => {
  it('is not on the API port at all', async () => {
    expect((await get(`${ownPort.url}/metrics`, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });

  it('is on its own port, which serves nothing else and still asks for the token', async () => {
    expect(ownPort.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ownPort.metricsUrl).not.toBe(ownPort.url);
    expect((await get(`${ownPort.metricsUrl}/metrics`)).status).toBe(401);
    const res = await get(`${ownPort.metricsUrl}/metrics`, { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.text).toBe(METRICS_BODY);
    expect((await get(`${ownPort.metricsUrl}/api/products`)).status).toBe(404);
  });
});

describe('/metrics with neither set: loopback only', () => {
  it('serves a loopback client (the demo)', async () => {
    const res = await open.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toBe(METRICS_BODY);
  });

  /** The guard alone, fed the peer address a remote client would have. */
  function askAs(remoteAddress: string, headers: Record<string, string> = {}) {
    let status = 200;
    let passed = false;
    const req = { socket: { remoteAddress }, get: (name: string) => headers[name.toLowerCase()] };
    const res = {
      status(code: number) {
        status = code;
        return this;
      },
      json() {
        return this;
      },
      setHeader() {
        return this;
      },
    };
    metricsAccess(undefined)(req as unknown as Request, res as unknown as Response, () => {
      passed = true;
    });
    return { status, passed };
  }

  it.each(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'])('lets loopback %s through', (address) => {
    expect(askAs(address).passed).toBe(true);
  });

  it.each(['10.0.0.5', '203.0.113.7', '::ffff:10.0.0.5', '2001:db8::1', '::'])(
    'refuses %s with 403',
    (address) => {
      expect(askAs(address)).toEqual({ status: 403, passed: false });
    },
  );

  it('ignores a forwarded address claiming loopback', () => {
    expect(askAs('203.0.113.7', { 'x-forwarded-for': '127.0.0.1' })).toEqual({ status: 403, passed: false });
  });
});

describe('/readyz', () => {
  it('answers a burst with one database query, not one per call', async () => {
    ready.n = 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => open.request('/readyz')));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    // All 20 share the round trip in flight (a second one only if the burst outlasts the 1 s cache).
    expect(ready.n).toBeGreaterThanOrEqual(1);
    expect(ready.n).toBeLessThanOrEqual(2);
  });

  it('checks again once the cached answer is older than its time to live', async () => {
    let clock = 0;
    let checks = 0;
    const check = cachedCheck(1_000, () => clock);
    const db = async () => {
      checks++;
    };
    await Promise.all([check(db), check(db), check(db)]);
    clock = 999;
    await check(db);
    expect(checks).toBe(1);
    clock = 1_000;
    expect(await check(db)).toBe(true);
    expect(checks).toBe(2);
    clock = 2_000;
    expect(await check(() => Promise.reject(new Error('down')))).toBe(false);
  });
});

describe('/api/info', () => {
  it('does not publish the Node.js version', async () => {
    const res = await open.request('/api/info');
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('node');
    expect(JSON.stringify(res.body)).not.toContain(process.version);
  });
});
