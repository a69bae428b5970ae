import express from 'express';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { createProbes, metricNames as N } from '../../../probes/index.js';
import { listen, ownProbes, samples, type Running } from '../helpers/probe-harness.js';

// How the per-request probe is wired: mounted twice, wrapped and mounted,
// paths left out. Each case runs its own probes and server.

const agent = new Agent({ connections: 16, keepAliveTimeout: 1000 });
afterAll(() => agent.close());

/** Three requests to `path` on `srv`, each recorded once: three durations, three hook calls. */
async function expectEachCountedOnce(
  srv: Running,
  path: string,
  route: string,
  { p, w }: ReturnType<typeof ownProbes>,
): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const res = await request(`${srv.url}${path}`, { dispatcher: agent });
    expect(res.statusCode).toBe(200);
    await res.body.text();
  }
  await w.until(3);
  const text = await p.registry.metrics();
  expect(samples(text, `${N.HTTP_SERVER_REQUEST_DURATION}_count`)).toEqual([
    expect.stringContaining(`http_route="${route}"`),
  ]);
  expect(samples(text, `${N.HTTP_SERVER_REQUEST_DURATION}_count`)[0]).toMatch(/ 3$/);
  expect(w.seen).toHaveLength(3);
  expect(text).toContain(`${N.HTTP_SERVER_ACTIVE_REQUESTS}{http_request_method="GET",url_scheme="http"} 0`);
}

describe('middleware', () => {
  it('counts a request once when an app and its sub-app both mount it', async () => {
    const own = ownProbes('middleware-twice');
    const sub = express();
    sub.use(own.p.middleware);
    sub.get('/two', (_req, res) => void res.send('two'));
    const app = express();
    app.use(own.p.middleware);
    app.use('/sub', sub);
    const srv = await listen(app);
    try {
      await expectEachCountedOnce(srv, '/sub/two', '/sub/two', own);
    } finally {
      await srv.close();
      await own.p.shutdown();
    }
  });
});

describe('ignorePaths', () => {
  it.each([
    ['a few paths', ['/health', '/metrics']],
    ['many paths', ['/health', '/metrics', ...Array.from({ length: 9 }, (_, i) => `/other-${i}`)]],
  ])('skips exactly the listed paths, with or without a query string (%s)', async (_name, ignorePaths) => {
    const { p, w } = ownProbes('ignore-paths', { ignorePaths });
    const app = express();
    app.use(p.middleware);
    for (const path of ['/health', '/healthz', '/health/deep'])
      app.get(path, (_req, res) => void res.send('ok'));
    const srv = await listen(app);
    try {
      // One after another, so each request has finished before the next starts:
      // by the time the last one is recorded, any ignored one would have been too.
      for (const path of ['/health', '/health?probe=1', '/healthz', '/health/deep', '/healthz?x=1']) {
        const res = await request(`${srv.url}${path}`, { dispatcher: agent });
        expect(await res.body.text()).toBe('ok');
      }
      await w.until(3);
      const res = await request(`${srv.url}/health/deep?last=1`, { dispatcher: agent });
      await res.body.text();
      await w.until(4);
      expect(w.seen.map((r) => r.route).sort()).toEqual([
        '/health/deep',
        '/health/deep',
        '/healthz',
        '/healthz',
      ]);
    } finally {
      await srv.close();
      await p.shutdown();
    }
  });
});

describe('wrap(listener)', () => {
  it('refuses a listener that is not a function, naming it', () => {
    const p = createProbes({ serviceName: 'wrap-bad', memoryIntervalMs: 0, defaultMetrics: false });
    expect(() => p.wrap(42 as never)).toThrow(
      expect.objectContaining({
        code: 'PERFLAB_E_PROBES_OPTION',
        message: expect.stringMatching(/listener/),
      }),
    );
  });

  it('counts a request once when the app is wrapped and also mounts the middleware', async () => {
    const own = ownProbes('wrap-and-middleware');
    // The middleware mounted as well as the whole app wrapped: a mistake a
    // migration from one wiring to the other can leave behind.
    const app = express();
    app.use(own.p.middleware);
    app.get('/one', (_req, res) => void res.send('one'));
    const srv = await listen(own.p.wrap(app));
    try {
      await expectEachCountedOnce(srv, '/one', '/one', own);
    } finally {
      await srv.close();
      await own.p.shutdown();
    }
  });
});
