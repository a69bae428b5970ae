import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../target-app/app.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe('the app shell', () => {
  it('answers an unknown route with a JSON 404', async () => {
    const res = await app.request('/api/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('answers a body over 100 kB with 413', async () => {
    const res = await app.request('/api/auth/login', {
      method: 'POST',
      body: { email: 'a@b.co', password: 'x'.repeat(110_000) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON with 400', async () => {
    const res = await app.request('/api/auth/login', { method: 'POST', body: '{"email":' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MALFORMED_JSON');
  });

  it('does not say it is Express and sends a request id', async () => {
    const res = await app.request('/healthz');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('an unexpected failure', () => {
  it('returns a generic 500 with a request id and logs no SQL detail to the client', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'error' },
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    const failing = {
      ...app.db,
      query: () =>
        Promise.reject(Object.assign(new Error('relation "secret_table" does not exist'), { code: '42P01' })),
    };
    const handler = createApp({ db: failing, config: app.config, instrumentation: { logger } });
    const outer = express().use(handler);
    const server = outer.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/products/1`);
      const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
      expect(res.status).toBe(500);
      expect(body.error.code).toBe('INTERNAL');
      expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
      expect(JSON.stringify(body)).not.toMatch(/secret_table|relation|at .*\.ts/);
      expect(lines.join('')).toContain('secret_table');
    } finally {
      server.close();
    }
  });
});
