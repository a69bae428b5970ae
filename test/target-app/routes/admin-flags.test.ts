import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAG_NAMES } from '../../../target-app/flags/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';

const lines: Record<string, unknown>[] = [];
const registry = new Registry();
let app: TestApp;
let admin: string;
let customer: string;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  app = await startTestApp({
    env: { PERFLAB_FLAGS: 'select_star', LOG_LEVEL: 'info' },
    instrumentation: () => ({
      logger: pino({ level: 'info' }, sink),
      registry,
      metricsHandler: async (_req, res) => {
        res.type('text/plain').send(await registry.metrics());
      },
    }),
  });
  admin = await app.login('admin');
  customer = await app.login(1);
});
afterAll(() => app?.close());

const flagLine = (text: string, flag: string) =>
  new RegExp(`^perflab_flag_enabled\\{flag="${flag}"\\} (\\d)$`, 'm').exec(text)?.[1];

describe('/api/admin/flags', () => {
  it('lists every flag, with those from PERFLAB_FLAGS on', async () => {
    const res = await app.request('/api/admin/flags', { token: admin });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.flags).sort()).toEqual([...FLAG_NAMES].sort());
    expect(res.body.flags.select_star).toBe(true);
    expect(res.body.flags.n_plus_one).toBe(false);
  });

  it('switches at runtime; /api/info and the gauge follow; the log says who', async () => {
    const before = await app.request('/metrics');
    expect(flagLine(before.body as string, 'n_plus_one')).toBe('0');
    const res = await app.request('/api/admin/flags', {
      method: 'PUT',
      token: admin,
      body: { n_plus_one: true, select_star: false },
    });
    expect(res.status).toBe(200);
    expect(res.body.flags).toMatchObject({ n_plus_one: true, select_star: false });
    const info = await app.request('/api/info');
    expect(info.body.flags).toMatchObject({ n_plus_one: true, select_star: false });
    const after = await app.request('/metrics');
    expect(flagLine(after.body as string, 'n_plus_one')).toBe('1');
    expect(flagLine(after.body as string, 'select_star')).toBe('0');
    const switched = lines.filter((l) => l.msg === 'flag switched');
    expect(switched).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          flag: 'n_plus_one',
          enabled: true,
          actor: expect.stringMatching(/^admin#\d+$/),
        }),
      ]),
    );
    await app.request('/api/admin/flags', { method: 'PUT', token: admin, body: { n_plus_one: false } });
  });

  it('401 without a token, 403 for a customer, on both methods', async () => {
    expect((await app.request('/api/admin/flags')).status).toBe(401);
    expect(
      (await app.request('/api/admin/flags', { method: 'PUT', body: { n_plus_one: true } })).status,
    ).toBe(401);
    expect((await app.request('/api/admin/flags', { token: customer })).status).toBe(403);
    const put = await app.request('/api/admin/flags', {
      method: 'PUT',
      token: customer,
      body: { n_plus_one: true },
    });
    expect(put.status).toBe(403);
    expect((await app.request('/api/info')).body.flags.n_plus_one).toBe(false);
  });

  it('400 naming an unknown flag or a non-boolean value, and nothing changes', async () => {
    const unknown = await app.request('/api/admin/flags', {
      method: 'PUT',
      token: admin,
      body: { n_plus_one: true, turbo: true },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('turbo');
    expect(unknown.body.error.message).toContain('turbo');
    const notBool = await app.request('/api/admin/flags', {
      method: 'PUT',
      token: admin,
      body: { no_cache: 'yes' },
    });
    expect(notBool.status).toBe(400);
    expect(notBool.body.error.field).toBe('no_cache');
    const empty = await app.request('/api/admin/flags', { method: 'PUT', token: admin, body: {} });
    expect(empty.status).toBe(400);
    const flags = (await app.request('/api/admin/flags', { token: admin })).body.flags;
    expect(flags.n_plus_one).toBe(false);
    expect(flags.no_cache).toBe(false);
  });

  it('is documented in the OpenAPI document from the route table', async () => {
    const doc = await app.request('/api/openapi.json');
    expect(Object.keys(doc.body.paths['/api/admin/flags'] ?? {}).sort()).toEqual(['get', 'put']);
  });
});
