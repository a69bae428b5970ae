import { Writable } from 'node:stream';
import type { RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbes, type Probes } from '../../../probes/index.js';
import type { Db } from '../../../target-app/db/types.js';
import { REDACT_PATHS, createLogger } from '../../../target-app/logger.js';
import { failingOn } from '../../helpers/failing-db.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

// Logs never carry passwords, hashes, tokens, Authorization or Cookie values,
// nor SQL parameter values. Proven on everything logged during a full
// register / login / order flow, a brute-force lockout and a database error
// whose driver message quotes the offending value.
const SECRETS = {
  email: 'log.subject@example.com',
  password: 'correct horse battery staple',
  cookie: 'sid=cookie-secret-value-123',
  sqlValue: 'sql-param-secret-456',
};
const FAIL_MARKER = 'force-class-22';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

/** A product search for FAIL_MARKER runs `SELECT $1::int` with a secret: PostgreSQL quotes it in error 22P02. */
const failing = (db: Db) =>
  failingOn(db, FAIL_MARKER, { sql: 'SELECT $1::int AS n', params: [SECRETS.sqlValue] });

async function flow(app: TestApp): Promise<string> {
  const reg = await app.request('/api/auth/register', {
    method: 'POST',
    body: { email: SECRETS.email, password: SECRETS.password, name: 'Log Subject' },
  });
  expect(reg.status).toBe(202);
  const login = await app.request('/api/auth/login', {
    method: 'POST',
    body: { email: SECRETS.email, password: SECRETS.password },
  });
  expect(login.status).toBe(200);
  const token = login.body.token as string;
  const headers = { cookie: SECRETS.cookie };
  expect((await app.request('/api/users/me', { token, headers })).status).toBe(200);
  const order = await app.request('/api/orders', {
    method: 'POST',
    token,
    headers,
    body: { items: [{ productId: 2, quantity: 1 }] },
  });
  expect(order.status).toBe(201);
  expect((await app.request(`/api/orders/${order.body.id}`, { token })).status).toBe(200);
  for (let i = 0; i < 3; i++) {
    await app.request('/api/auth/login', {
      method: 'POST',
      body: { email: SECRETS.email, password: 'wrong guess' },
    });
  }
  // A class-22 data exception is the client's input: a 400, still logged (scrubbed) as a warning.
  const failed = await app.request(`/api/products?q=${FAIL_MARKER}`, { token, headers });
  expect(failed.status).toBe(400);
  return token;
}

function expectClean(lines: string[], token: string): void {
  const text = lines.join('');
  expect(lines.length).toBeGreaterThan(5);
  for (const secret of [...Object.values(SECRETS), token, token.split('.')[2] ?? token, 'Bearer ']) {
    expect(text, secret).not.toContain(secret);
  }
  expect(text).not.toMatch(/\$argon2id\$/);
  expect(text).not.toMatch(/"password(_hash|Hash)?":"(?!\[redacted\])/);
}

describe('logs through the probes (production wiring)', () => {
  let app: TestApp;
  let probes: Probes;
  const { lines, stream } = capture();
  beforeAll(async () => {
    probes = createProbes({
      serviceName: 'log-test',
      logLevel: 'trace',
      logDestination: stream,
      accessLog: true,
      slowRequestMs: 0,
      slowQueryMs: 0,
      memoryIntervalMs: 0,
      defaultMetrics: false,
      redact: REDACT_PATHS,
    });
    app = await startTestApp({
      env: { RATE_LIMIT_LOGIN_MAX: '2' },
      instrumentation: (db) => ({
        db: probes.instrumentDb(failing(db)),
        middleware: probes.middleware,
        logger: probes.logger,
      }),
    });
  });
  afterAll(async () => {
    await app?.close();
    await probes?.shutdown();
  });

  it('hold no secret, hash, token, cookie or SQL parameter value', async () => {
    const token = await flow(app);
    const text = lines.join('');
    // The test saw the events it is about: queries, a lockout and the driver error.
    expect(text).toContain('slow query');
    expect(text).toContain('rate limit reached');
    expect(text).toContain('22P02');
    expectClean(lines, token);
  });
});

describe("logs through the app's own logger with every request's headers", () => {
  let app: TestApp;
  const { lines, stream } = capture();
  beforeAll(async () => {
    const logger = createLogger('trace', stream);
    // What a pino-http style access log would write: the raw request and response headers.
    const headerLog: RequestHandler = (req, res, next) => {
      res.on('finish', () => {
        logger.info({
          req: { method: req.method, url: req.url, headers: req.headers },
          res: { headers: res.getHeaders() },
        });
      });
      next();
    };
    app = await startTestApp({
      env: { RATE_LIMIT_LOGIN_MAX: '2' },
      instrumentation: (db) => ({ db: failing(db), middleware: headerLog, logger }),
    });
  });
  afterAll(() => app?.close());

  it('redact Authorization and Cookie, and hold no other secret', async () => {
    const token = await flow(app);
    expect(lines.join('')).toContain('"authorization":"[redacted]"');
    expect(lines.join('')).toContain('"cookie":"[redacted]"');
    expectClean(lines, token);
  });
});
