import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createProbes,
  metricNames as N,
  type DbLike,
  type Probes,
  type QueryInfo,
} from '../../../probes/index.js';
import { minimalApp } from '../helpers/minimal-app.js';
import { FakeDb, listen, LogSink, RequestWaiter } from '../helpers/probe-harness.js';

const agent = new Agent({ connections: 4 });
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const fn of cleanup) await fn();
  await agent.close();
});

function make(slowQueryMs: number, context: 'async-local-storage' | 'explicit' = 'async-local-storage') {
  const sink = new LogSink();
  const waiter = new RequestWaiter();
  const queries: QueryInfo[] = [];
  const probes: Probes = createProbes({
    serviceName: 'db-test',
    logDestination: sink,
    memoryIntervalMs: 0,
    defaultMetrics: false,
    slowQueryMs,
    context,
    tracing: 'off',
    onRequest: waiter.hook,
    onQuery: (q) => queries.push(q),
  });
  cleanup.push(() => probes.shutdown());
  return { probes, sink, waiter, queries };
}

describe('instrumentDb', () => {
  it('returns the same shape, times queries and parses bounded labels', async () => {
    const { probes } = make(60_000);
    const raw = new FakeDb();
    const db = probes.instrumentDb(raw);
    expect(db.kind).toBe('fake');
    expect(db.poolStats()).toEqual({ total: 10, idle: 7, waiting: 2 });
    expect(probes.instrumentDb(db)).toBe(db); // idempotent
    await db.query('SELECT * FROM orders WHERE id = $1', [1]);
    await db.query('insert into Order_Items (a) values ($1)', [2]);
    await db.query('WITH x AS (SELECT 1 FROM users) UPDATE orders SET a = 1');
    await db.query('VACUUM');
    await db.query('weird stuff');
    await db.close();
    const text = await probes.registry.metrics();
    const count = (op: string, coll: string) =>
      `${N.DB_CLIENT_OPERATION_DURATION}_count{db_operation_name="${op}",db_collection_name="${coll}",db_system_name="postgresql"} 1`;
    expect(text).toContain(count('SELECT', 'orders'));
    expect(text).toContain(count('INSERT', 'order_items'));
    expect(text).toContain(count('UPDATE', 'orders'));
    expect(text).toContain(count('VACUUM', 'unknown'));
    expect(text).toContain(count('unknown', 'unknown'));
    expect(text).toContain(
      'db_client_connection_count{db_client_connection_pool_name="fake",db_client_connection_state="idle"} 7',
    );
    expect(text).toContain(
      'db_client_connection_count{db_client_connection_pool_name="fake",db_client_connection_state="used"} 3',
    );
    expect(text).toContain('db_client_connection_pending_requests{db_client_connection_pool_name="fake"} 2');
  });

  it('counts queries per request, including those inside transactions', async () => {
    const { probes, waiter } = make(60_000);
    const srv = await listen(minimalApp(probes, new FakeDb()));
    cleanup.push(() => srv.close());
    const res = await request(`${srv.url}/api/n-plus-one`, { dispatcher: agent });
    expect(await res.body.json()).toMatchObject({ queries: 5 });
    await waiter.until(1);
    expect(waiter.seen[0]).toMatchObject({ route: '/api/n-plus-one', queries: 5 });
    const text = await probes.registry.metrics();
    expect(text).toContain(
      `${N.HTTP_SERVER_DB_QUERIES}_bucket{le="5",http_request_method="GET",http_route="/api/n-plus-one"} 1`,
    );
    expect(text).toContain(
      `${N.HTTP_SERVER_DB_QUERIES}_bucket{le="3",http_request_method="GET",http_route="/api/n-plus-one"} 0`,
    );
    expect(probes.currentRequest()).toBeUndefined(); // outside any request
  });

  it('in explicit context mode, counts only the queries made through forRequest(req).db()', async () => {
    const { probes, waiter } = make(60_000, 'explicit');
    const srv = await listen(minimalApp(probes, new FakeDb()));
    cleanup.push(() => srv.close());
    const res = await request(`${srv.url}/api/explicit/n-plus-one`, { dispatcher: agent });
    // No AsyncLocalStorage: currentRequest() cannot see the request, the scope can.
    expect(await res.body.json()).toEqual({
      stats: { queries: 5, queryDurationSeconds: expect.any(Number) as number },
      current: null,
      same: true,
    });
    await waiter.until(1);
    expect(waiter.seen[0]).toMatchObject({ route: '/api/explicit/n-plus-one', queries: 5 });
    const text = await probes.registry.metrics();
    expect(text).toContain(
      `${N.HTTP_SERVER_DB_QUERIES}_bucket{le="5",http_request_method="GET",http_route="/api/explicit/n-plus-one"} 1`,
    );
    // The unbound query is still timed, just not attributed to the request.
    expect(text).toContain(
      `${N.DB_CLIENT_OPERATION_DURATION}_count{db_operation_name="SELECT",db_collection_name="unbound",db_system_name="postgresql"} 1`,
    );
  });

  it('in explicit context mode, a request whose db was never bound reports queries as untracked', async () => {
    const { probes, waiter } = make(60_000, 'explicit');
    const srv = await listen(minimalApp(probes, new FakeDb()));
    cleanup.push(() => srv.close());
    const res = await request(`${srv.url}/api/n-plus-one`, { dispatcher: agent });
    expect(await res.body.text()).toBe(''); // currentRequest() is undefined inside the handler
    await waiter.until(1);
    expect(waiter.seen[0]).toMatchObject({ route: '/api/n-plus-one', queries: -1 });
    const text = await probes.registry.metrics();
    expect(text).not.toContain(`${N.HTTP_SERVER_DB_QUERIES}_count{`);
    expect(text).toContain(
      `${N.DB_CLIENT_OPERATION_DURATION}_count{db_operation_name="SELECT",db_collection_name="public.order_items",db_system_name="postgresql"} 3`,
    );
  });

  it("a request's view of the db keeps the db's shape and counts into the request", async () => {
    const { probes } = make(60_000, 'explicit');
    const db = probes.instrumentDb(new FakeDb());
    const noTx = probes.instrumentDb({
      kind: 'no-tx',
      query: async () => ({ rows: [], rowCount: 0 }),
    } as DbLike);
    const srv = await listen(
      probes.wrap((req, res) => {
        void (async () => {
          const scope = probes.forRequest(req);
          const view = scope.db(db);
          const cached = scope.db(db) === view;
          const plainView = scope.db(noTx);
          await view.query('SELECT 1 FROM orders');
          await view.transaction!((tx) => tx.query('SELECT 2 FROM orders'));
          await plainView.query('SELECT 3 FROM users');
          res.end(
            JSON.stringify({
              distinct: view !== db,
              cached,
              kind: view.kind,
              pool: view.poolStats!(),
              methods: [typeof view.query, typeof view.transaction],
              plainKind: plainView.kind,
              plainHasTransaction: 'transaction' in plainView,
              queries: scope.stats()?.queries,
            }),
          );
        })();
      }),
    );
    cleanup.push(() => srv.close());
    const res = await request(`${srv.url}/`, { dispatcher: agent });
    expect(await res.body.json()).toEqual({
      distinct: true,
      cached: true,
      kind: 'fake',
      pool: { total: 10, idle: 7, waiting: 2 },
      methods: ['function', 'function'],
      plainKind: 'no-tx',
      plainHasTransaction: false,
      queries: 3,
    });
  });

  it("a view's query called detached from the view is still timed, without the request", async () => {
    const { probes, queries } = make(60_000, 'explicit');
    const db = probes.instrumentDb(new FakeDb());
    const srv = await listen(
      probes.wrap((req, res) => {
        void (async () => {
          const scope = probes.forRequest(req);
          const { query } = scope.db(db);
          await query('SELECT 1 FROM orders');
          res.end(JSON.stringify({ queries: scope.stats()?.queries }));
        })();
      }),
    );
    cleanup.push(() => srv.close());
    const res = await request(`${srv.url}/`, { dispatcher: agent });
    expect(await res.body.json()).toEqual({ queries: 0 });
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatchObject({ operation: 'SELECT', collection: 'orders' });
  });

  it("hands back the driver's own promise, and records the query before the caller resumes", async () => {
    const { probes, queries } = make(60_000);
    const result = { rows: [{ id: 1 }], rowCount: 1 };
    const driverPromise = Promise.resolve(result);
    const db = probes.instrumentDb({ query: () => driverPromise } as DbLike);
    const pending = db.query('SELECT id FROM orders');
    expect(pending).toBe(driverPromise);
    expect(queries).toHaveLength(0);
    await pending;
    expect(queries).toEqual([expect.objectContaining({ operation: 'SELECT', rowCount: 1 })]);
  });

  it("calls a thenable's then() once: a query builder may run its query on each call", async () => {
    const { probes, queries } = make(60_000);
    let thenCalls = 0;
    const thenable = {
      then(resolve: (r: { rows: unknown[]; rowCount: number }) => void) {
        thenCalls++;
        resolve({ rows: [], rowCount: 0 });
      },
    };
    const db = probes.instrumentDb({ query: () => thenable } as unknown as DbLike);
    await expect(db.query('SELECT 1 FROM orders')).resolves.toEqual({ rows: [], rowCount: 0 });
    expect(thenCalls).toBe(1);
    expect(queries).toHaveLength(1);
  });

  it('forRequest on a request the middleware never saw changes nothing', async () => {
    const { probes } = make(60_000, 'explicit');
    const db = probes.instrumentDb(new FakeDb());
    const { IncomingMessage } = await import('node:http');
    const { Socket } = await import('node:net');
    const scope = probes.forRequest(new IncomingMessage(new Socket()));
    expect(scope.db(db)).toBe(db);
    expect(scope.logger).toBe(probes.logger);
    expect(scope.traceHeaders()).toEqual({});
    expect(scope.stats()).toBeUndefined();
    const plain = { query: async () => ({ rows: [], rowCount: 0 }) };
    expect(probes.forRequest(new IncomingMessage(new Socket())).db(plain)).toBe(plain);
  });

  it('logs and counts a slow query past the threshold, with SQL text but no parameter values', async () => {
    const { probes, sink, queries } = make(0); // every query takes >= 0 ms: past the threshold
    const raw = new FakeDb();
    raw.autoResolve = false;
    const db = probes.instrumentDb(raw);
    const pending = db.transaction((tx) =>
      tx.query('INSERT INTO audit_log (msg) VALUES ($1)', ['secret-param']),
    );
    while (!raw.release({ rows: [], rowCount: 1 })) await new Promise((r) => setImmediate(r));
    await pending;
    const [line] = sink.find('slow query');
    expect(line).toMatchObject({
      level: 'warn',
      db: {
        operation: 'INSERT',
        collection: 'audit_log',
        statement: 'INSERT INTO audit_log (msg) VALUES ($1)',
      },
      rowCount: 1,
    });
    expect(typeof line!.durationMs).toBe('number');
    expect(JSON.stringify(sink.lines)).not.toContain('secret-param');
    expect(queries).toHaveLength(1);
    expect(await probes.registry.metrics()).toContain(
      `${N.DB_CLIENT_SLOW_QUERIES}{db_operation_name="INSERT",db_collection_name="audit_log"} 1`,
    );
  });

  it('does not log or count queries below the threshold', async () => {
    const { probes, sink } = make(60_000);
    const db = probes.instrumentDb(new FakeDb());
    await db.query('SELECT 1 FROM orders');
    expect(sink.find('slow query')).toEqual([]);
    expect(await probes.registry.metrics()).not.toMatch(/^perflab_db_client_slow_queries_total\{/m);
  });

  it('passes query errors through unchanged and still records them', async () => {
    const { probes, queries } = make(60_000);
    const failure = Object.assign(new Error('relation does not exist'), { code: '42P01' });
    const failing: DbLike = { query: () => Promise.reject(failure) };
    const db = probes.instrumentDb(failing);
    await expect(db.query('SELECT * FROM missing')).rejects.toBe(failure);
    expect(queries[0]).toMatchObject({ operation: 'SELECT', collection: 'missing', error: failure });
  });

  it('passes a synchronous throw from the driver through and still records it', async () => {
    const { probes, queries } = make(60_000);
    const failure = new TypeError('client has been closed');
    const broken: DbLike = {
      query: () => {
        throw failure;
      },
    };
    const db = probes.instrumentDb(broken);
    expect(() => db.query('DELETE FROM sessions')).toThrow(failure);
    expect(queries[0]).toMatchObject({ operation: 'DELETE', collection: 'sessions', error: failure });
  });

  it('a throwing poolStats() does not break the scrape', async () => {
    const { probes } = make(60_000);
    probes.instrumentDb({
      query: async () => ({ rows: [], rowCount: 0 }),
      poolStats: () => {
        throw new Error('pool gone');
      },
    });
    await expect(probes.registry.metrics()).resolves.toContain('# TYPE db_client_connection_count gauge');
  });
});
