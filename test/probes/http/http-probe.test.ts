import {
  ATTR_USER_AGENT_SYNTHETIC_TYPE,
  USER_AGENT_SYNTHETIC_TYPE_VALUE_TEST,
} from '@opentelemetry/semantic-conventions/incubating';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbes, metricNames as N, type Probes } from '../../../probes/index.js';
import { minimalApp, WIRINGS } from '../helpers/minimal-app.js';
import {
  FakeDb,
  listen,
  LogSink,
  ownProbes,
  RequestWaiter,
  samples,
  series,
  type Running,
} from '../helpers/probe-harness.js';

let probes: Probes;
let server: Running;
let sink: LogSink;
let waiter: RequestWaiter;
let done = 0;
const agent = new Agent({ connections: 16, keepAliveTimeout: 1000 });
const gates: Array<() => void> = [];

async function get(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const res = await request(server.url + path, {
    dispatcher: agent,
    method: (init.method ?? 'GET') as 'GET',
    ...init,
  });
  const body = await res.body.text();
  return { status: res.statusCode, body, headers: res.headers };
}

/** Makes requests and waits until the probes have recorded all of them. */
async function hit(...paths: string[]) {
  const out = await Promise.all(paths.map((p) => get(p)));
  done += paths.length;
  await waiter.until(done);
  return out;
}

async function scrape(accept?: string): Promise<string> {
  const res = await get('/metrics', accept ? { headers: { accept } } : {});
  return res.body;
}

afterAll(() => agent.close());

// Every case runs against both wirings of the per-request probe.
describe.each(WIRINGS)('wired as %s', (wiring) => {
  beforeAll(async () => {
    done = 0;
    gates.length = 0;
    sink = new LogSink();
    waiter = new RequestWaiter();
    probes = createProbes({
      serviceName: 'probes-http-test',
      logDestination: sink,
      memoryIntervalMs: 0,
      slowRequestMs: 60_000,
      onRequest: waiter.hook,
    });
    const gate = () => new Promise<void>((resolve) => gates.push(resolve));
    server = await listen(minimalApp(probes, new FakeDb(), gate, undefined, wiring));
  });

  afterAll(async () => {
    await server.close();
    await probes.shutdown();
  });

  describe('http metrics', () => {
    it('records http_server_request_duration_seconds with semconv labels and buckets', async () => {
      await hit('/api/orders/42', '/hello');
      const text = await scrape();
      expect(text).toContain(`# TYPE ${N.HTTP_SERVER_REQUEST_DURATION} histogram`);
      const buckets = samples(text, `${N.HTTP_SERVER_REQUEST_DURATION}_bucket`)
        .filter((l) => l.includes('http_route="/api/orders/:id"'))
        .map((l) => /le="([^"]+)"/.exec(l)![1]);
      expect(buckets).toEqual([...N.DURATION_BUCKETS.map(String), '+Inf']);
      expect(text).toContain(
        'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/api/orders/:id",http_response_status_code="200",url_scheme="http"} 1',
      );
      expect(text).toContain(`# TYPE ${N.HTTP_SERVER_ACTIVE_REQUESTS} gauge`);
      expect(text).toContain(`# TYPE ${N.HTTP_SERVER_RESPONSE_BODY_SIZE} histogram`);
      // prom-client default metrics are there too
      expect(text).toMatch(/^process_resident_memory_bytes /m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    });

    it("labels perflab's load user_agent_synthetic_type=test, real traffic not at all, with bounded series", async () => {
      const count = (text: string, synthetic: boolean) =>
        samples(text, `${N.HTTP_SERVER_REQUEST_DURATION}_count`).filter(
          (l) =>
            l.includes('http_route="/api/users/:id/orders"') &&
            l.includes(`${N.LABEL_USER_AGENT_SYNTHETIC_TYPE}=`) === synthetic,
        );
      const before = await scrape();
      const agents = [
        ...Array.from({ length: 20 }, (_, i) => `perflab/0.${i}.0`),
        'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
        'perflab', // no slash: not the load engine's User-Agent
      ];
      await Promise.all(agents.map((ua) => get('/api/users/3/orders', { headers: { 'user-agent': ua } })));
      done += agents.length;
      await waiter.until(done);
      const text = await scrape();
      const total = (lines: string[]) => lines.reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
      // Twenty versions, one series: the label is a constant, never the header.
      expect(count(text, true)).toEqual([
        `${N.HTTP_SERVER_REQUEST_DURATION}_count{http_request_method="GET",http_route="/api/users/:id/orders",http_response_status_code="200",url_scheme="http",${N.LABEL_USER_AGENT_SYNTHETIC_TYPE}="${N.SYNTHETIC_TEST}"} ${total(count(before, true)) + 20}`,
      ]);
      expect(total(count(text, false)) - total(count(before, false))).toBe(2);
      expect(text).not.toMatch(/user_agent_synthetic_type="(?!test")/);
      // The span attribute and the label are one semconv attribute.
      expect(N.LABEL_USER_AGENT_SYNTHETIC_TYPE).toBe(ATTR_USER_AGENT_SYNTHETIC_TYPE.replaceAll('.', '_'));
      expect(N.SYNTHETIC_TEST).toBe(USER_AGENT_SYNTHETIC_TYPE_VALUE_TEST);
    });

    it('does not record the /metrics scrape itself', async () => {
      const text = await scrape();
      expect(text).not.toContain('http_route="/metrics"');
    });

    it('labels routes with templates through nested routers, param mounts and sub-apps', async () => {
      await hit(
        '/api/users',
        '/api/users/7/orders',
        '/shops/99/items/123',
        '/deep/v/2/leaf/abc',
        '/sub/status/500',
        '/nope/404',
        '/a/x/1',
        '/b/77/x/2',
      );
      const routes = series(await scrape(), `${N.HTTP_SERVER_REQUEST_DURATION}_count`);
      const has = (route: string, status = 200) =>
        [...routes].some((s) => s.includes(`http_route="${route}"`) && s.includes(`="${status}"`));
      expect(has('/api/users')).toBe(true);
      expect(has('/api/users/:id/orders')).toBe(true);
      expect(has('/shops/:shopId/items/:itemId')).toBe(true);
      expect(has('/deep/v/:version/leaf/:x')).toBe(true);
      expect(has('/sub/status/:code')).toBe(true);
      expect(has('unmatched', 404)).toBe(true);
      // one router mounted twice: the concrete baseUrl picks the template
      expect(has('/a/x/:n')).toBe(true);
      expect(has('/b/:id/x/:n')).toBe(true);
    });

    it('normalizes unknown HTTP methods to _OTHER and errors to their status', async () => {
      await Promise.all([get('/hello', { method: 'PROPFIND' }), get('/boom')]);
      done += 2;
      await waiter.until(done);
      const text = await scrape();
      expect(text).toContain('http_request_method="_OTHER",http_route="unmatched"');
      expect(text).toContain(
        'http_request_method="GET",http_route="/boom",http_response_status_code="500",url_scheme="http",error_type="500"}',
      );
    });

    it("counts a request's queries through the implicit context", async () => {
      const [res] = await hit('/api/orders/7');
      expect(JSON.parse(res!.body)).toMatchObject({ stats: { queries: 1 } });
      const text = await scrape();
      expect(samples(text, `${N.HTTP_SERVER_DB_QUERIES}_sum`).join('\n')).toMatch(
        /http_route="\/api\/orders\/:id"[^}]*\} [1-9]/,
      );
    });

    it('records request and response body sizes', async () => {
      const body = JSON.stringify({ a: 'x'.repeat(300) });
      await get('/api/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      done += 1;
      await waiter.until(done);
      const text = await scrape();
      expect(text).toContain(
        `${N.HTTP_SERVER_REQUEST_BODY_SIZE}_sum{http_request_method="POST",http_route="/api/echo"} ${body.length}`,
      );
      expect(text).toContain(
        `${N.HTTP_SERVER_RESPONSE_BODY_SIZE}_sum{http_request_method="POST",http_route="/api/echo",http_response_status_code="200"} ${body.length}`,
      );
    });

    it('counts in-flight requests in http_server_active_requests', async () => {
      const pending = get('/wait');
      while (gates.length === 0) await new Promise((r) => setImmediate(r));
      expect(await scrape()).toMatch(
        /^http_server_active_requests\{http_request_method="GET",url_scheme="http"\} 1$/m,
      );
      gates.shift()!();
      await pending;
      done += 1;
      await waiter.until(done);
      expect(await scrape()).toMatch(
        /^http_server_active_requests\{http_request_method="GET",url_scheme="http"\} 0$/m,
      );
    });

    it('records a request the client aborted, and the in-flight gauge comes back down', async () => {
      const controller = new AbortController();
      const pending = request(server.url + '/wait', { dispatcher: agent, signal: controller.signal }).catch(
        (err: unknown) => err,
      );
      while (gates.length === 0) await new Promise((r) => setImmediate(r));
      controller.abort();
      await pending;
      done += 1;
      await waiter.until(done);
      expect(waiter.seen.at(-1)).toMatchObject({ route: '/wait', method: 'GET' });
      gates.shift()!(); // the handler finishes writing to a closed response: harmless
      const text = await scrape();
      expect(text).toMatch(/^http_server_active_requests\{http_request_method="GET",url_scheme="http"\} 0$/m);
      // No response was sent: no status code, the abort as error_type.
      expect(text).toMatch(
        /^http_server_request_duration_seconds_count\{http_request_method="GET",http_route="\/wait",url_scheme="http",error_type="aborted"\} [1-9]/m,
      );
    });

    it('cardinality guard: 10,000 distinct raw paths, incl. 404s, add no series', async () => {
      await hit('/api/orders/1', '/api/users/1/orders', '/x/1'); // warm every template used below
      const before = await scrape();
      const familyCount = (t: string) => series(t, N.HTTP_SERVER_REQUEST_DURATION).size;
      const n = 10_000;
      for (let i = 0; i < n; i += 250) {
        const batch: string[] = [];
        for (let j = i; j < i + 250; j++) {
          batch.push(
            j % 3 === 0 ? `/api/orders/${j}` : j % 3 === 1 ? `/api/users/${j}/orders` : `/x/${j}?q=${j}`,
          );
        }
        await hit(...batch);
      }
      const after = await scrape();
      expect(familyCount(after)).toBe(familyCount(before));
      for (const name of [
        N.HTTP_SERVER_RESPONSE_BODY_SIZE,
        N.HTTP_SERVER_DB_QUERIES,
        N.DB_CLIENT_OPERATION_DURATION,
      ]) {
        expect(series(after, name).size).toBe(series(before, name).size);
      }
      expect(after).not.toMatch(/http_route="\/x\//);
    }, 180_000);
  });

  describe('slow requests', () => {
    it('neither warns nor counts below the threshold (60 s here; tracing.test.ts uses 0)', async () => {
      await hit('/hello');
      expect(sink.find('slow request')).toEqual([]);
      expect(await scrape()).not.toMatch(/^perflab_http_server_slow_requests_total\{/m);
    });
  });

  describe('metrics handler', () => {
    it('serves OpenMetrics when asked and Prometheus text otherwise, counters intact either way', async () => {
      probes.cache.hit('orders');
      const om = await get('/metrics', {
        headers: { accept: 'application/openmetrics-text; version=1.0.0' },
      });
      expect(om.headers['content-type']).toContain('application/openmetrics-text');
      expect(om.body.trimEnd().endsWith('# EOF')).toBe(true);
      expect(om.body).toContain('perflab_cache_hits_total{cache_name="orders"} 1');
      const prom = await get('/metrics');
      expect(prom.headers['content-type']).toContain('text/plain; version=0.0.4');
      expect(prom.body).toContain('# TYPE perflab_cache_hits_total counter');
      expect(prom.body).toContain('perflab_cache_hits_total{cache_name="orders"} 1');
      expect(prom.body).not.toContain('# EOF');
    });
  });

  describe('safety', () => {
    it('a throwing onRequest hook does not break the request and is reported once per burst', async () => {
      const { p, sink: s } = ownProbes('throwing', {
        onRequest: () => {
          throw new Error('hook exploded');
        },
        onQuery: () => {
          throw new Error('query hook exploded');
        },
      });
      const db = new FakeDb();
      const srv = await listen(minimalApp(p, db, undefined, undefined, wiring));
      try {
        const res = await request(`${srv.url}/api/orders/1`, { dispatcher: agent });
        expect(res.statusCode).toBe(200);
        expect(await res.body.json()).toMatchObject({ rows: [{ id: 1 }] });
        const lines = await new Promise<Array<Record<string, unknown>>>((resolve) => {
          const check = (): void => {
            const found = s.lines.filter((l) => String(l.msg).includes('onRequest'));
            if (found.length > 0) resolve(found);
            else setImmediate(check);
          };
          check();
        });
        expect(lines[0]).toMatchObject({
          level: 'warn',
          hook: 'onRequest',
          err: { message: 'hook exploded' },
        });
        expect(s.lines.some((l) => l.hook === 'onQuery')).toBe(true);
      } finally {
        await srv.close();
        await p.shutdown();
      }
    });
  });
});
