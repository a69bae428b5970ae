import { randomBytes } from 'node:crypto';
import type { AppInstrumentation } from '../../target-app/app.js';
import { loadConfig, type AppConfig } from '../../target-app/config.js';
import type { Db } from '../../target-app/db/types.js';
import { ADMIN_EMAIL, customerEmail, seedDatabase } from '../../target-app/seed.js';
import { startServer, type RunningServer } from '../../target-app/server.js';
import { createTestDb, type TestDb } from './db.js';

export const TEST_SEED = { seed: 7, users: 12, products: 30, orders: 60 } as const;

/**
 * API test files make hundreds of requests from 127.0.0.1, so test apps get
 * generous limits unless a test sets its own (the rate-limit tests do), and a
 * counter prefix of their own so files sharing one Redis never share counts.
 */
export const TEST_RATE_LIMITS = { RATE_LIMIT_API_MAX: '1000000', RATE_LIMIT_LOGIN_MAX: '100000' } as const;
export const testRateLimitPrefix = (): string => `perflab:test:${randomBytes(6).toString('hex')}:`;

export interface TestApp {
  url: string;
  db: Db;
  source: TestDb['source'];
  config: AppConfig;
  /** The optimization-lab state of this instance (flags, the memory_leak store). */
  lab: Pick<RunningServer, 'flags' | 'leak'>;
  /** Logs in a seeded account (customer n, or 'admin') and returns its bearer token. */
  login(who: number | 'admin'): Promise<string>;
  /** fetch() against the app with JSON in and out. */
  request(
    path: string,
    init?: {
      method?: string;
      token?: string;
      body?: unknown;
      headers?: Record<string, string>;
      /** Aborts the request, e.g. AbortSignal.timeout(ms) to prove an answer came in time. */
      signal?: AbortSignal;
    },
  ): Promise<{
    status: number;
    headers: Headers;
    body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  }>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  instrumentation?: (db: Db) => AppInstrumentation & { db?: Db };
  seed?: Partial<Record<keyof typeof TEST_SEED, number>> | false;
}

/** Starts the real target app on 127.0.0.1 with a fresh test database, seeded small. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDb = await createTestDb();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...TEST_RATE_LIMITS,
    RATE_LIMIT_PREFIX: testRateLimitPrefix(),
    ...options.env,
  });
  if (options.seed !== false) {
    await seedDatabase(testDb.db, {
      ...TEST_SEED,
      ...options.seed,
      seedPassword: config.seedPassword,
      adminPassword: config.adminPassword,
    });
  }
  const instrumentation = options.instrumentation?.(testDb.db);
  const db = instrumentation?.db ?? testDb.db;
  // A failed start (e.g. REDIS_URL pointing nowhere) must not leak the test schema.
  const running = await startServer({
    config,
    db,
    setupDb: testDb.db,
    seedIfEmpty: false,
    ...(instrumentation ? { instrumentation } : {}),
  }).catch(async (err: unknown) => {
    await testDb.cleanup();
    throw err;
  });

  const request: TestApp['request'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    }
    const res = await fetch(running.url + path, {
      method: init.method ?? 'GET',
      headers,
      body,
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: hand back the text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };

  return {
    url: running.url,
    db,
    source: testDb.source,
    config,
    lab: { flags: running.flags, leak: running.leak },
    request,
    async login(who) {
      const email = who === 'admin' ? ADMIN_EMAIL : customerEmail(who);
      const password = who === 'admin' ? config.adminPassword : config.seedPassword;
      const res = await request('/api/auth/login', { method: 'POST', body: { email, password } });
      if (res.status !== 200)
        throw new Error(`login as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
    async close() {
      await running.close();
      await testDb.cleanup();
    },
  };
}
