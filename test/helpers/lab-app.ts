import { createProbes, metricNames as N, type Probes, type RequestInfo } from '../../probes/index.js';
import type { Db, Queryable } from '../../target-app/db/types.js';
import type { FlagName } from '../../target-app/flags/index.js';
import { startTestApp, type TestApp, type TestAppOptions } from './app.js';

export interface LabApp extends TestApp {
  probes: Probes;
  /** An admin's bearer token. */
  admin: string;
  /** Switches flags through PUT /api/admin/flags and fails unless it answers 200. */
  setFlags(changes: Partial<Record<FlagName, boolean>>): Promise<void>;
  /** A request, returned once the probes have recorded it (its metrics are in). */
  measured(path: string, init?: Parameters<TestApp['request']>[1]): ReturnType<TestApp['request']>;
  /** Every statement the app's handlers ran (not migrations or flag DDL), in order, with the size of what it read (its rows as JSON). */
  sql: { text: string; params: readonly unknown[]; bytesRead?: number }[];
  /** Sum and count of the queries-per-request histogram for one route template. */
  queries(route: string): Promise<{ sum: number; count: number }>;
}

/**
 * The target app with the probes wired the way target-app/instrument.ts wires
 * them (explicit request scope, the probes' registry for the app's gauges),
 * for the optimization lab's mechanism tests.
 */
export async function startLabApp(options: Omit<TestAppOptions, 'instrumentation'> = {}): Promise<LabApp> {
  const seen: RequestInfo[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const sql: LabApp['sql'] = [];
  const probes = createProbes({
    serviceName: 'target-app',
    logLevel: 'silent',
    memoryIntervalMs: 0,
    context: 'explicit',
    onRequest: (info) => {
      seen.push(info);
      for (const w of waiters.splice(0)) {
        if (seen.length >= w.n) w.resolve();
        else waiters.push(w);
      }
    },
  });
  const app = await startTestApp({
    ...options,
    instrumentation: (db) => ({
      middleware: probes.middleware,
      metricsHandler: probes.metricsHandler,
      logger: probes.logger,
      forRequest: probes.forRequest,
      registry: probes.registry,
      cache: probes.cache,
      db: probes.instrumentDb(recording(db, sql)),
    }),
  });
  const until = (n: number) =>
    seen.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }));
  const measured: LabApp['measured'] = async (path, init) => {
    const target = seen.length + 1;
    const res = await app.request(path, init);
    await until(target);
    return res;
  };
  const admin = await measured('/api/auth/login', {
    method: 'POST',
    body: { email: 'admin@perflab.local', password: app.config.adminPassword },
  }).then((r) => r.body.token as string);
  return {
    ...app,
    probes,
    admin,
    measured,
    sql,
    async setFlags(changes) {
      const res = await measured('/api/admin/flags', { method: 'PUT', token: admin, body: changes });
      if (res.status !== 200)
        throw new Error(`PUT /api/admin/flags: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async queries(route) {
      const metric = probes.registry.getSingleMetric(N.HTTP_SERVER_DB_QUERIES);
      const values = (metric ? (await metric.get()).values : []) as {
        metricName?: string;
        labels: Record<string, string | number>;
        value: number;
      }[];
      const pick = (suffix: string) =>
        values
          .filter(
            (v) => v.metricName === N.HTTP_SERVER_DB_QUERIES + suffix && v.labels[N.LABEL_ROUTE] === route,
          )
          .reduce((s, v) => s + v.value, 0);
      return { sum: pick('_sum'), count: pick('_count') };
    },
    async close() {
      await app.close();
      await probes.shutdown();
    },
  };
}

/** The same Db, recording each statement's text and parameters. */
function recording(db: Db, log: LabApp['sql']): Db {
  const wrap = (q: Queryable): Queryable['query'] =>
    (async (text: string, params: readonly unknown[] = []) => {
      const entry: LabApp['sql'][number] = { text, params };
      log.push(entry);
      const result = await q.query(text, params);
      entry.bytesRead = Buffer.byteLength(JSON.stringify(result.rows));
      return result;
    }) as Queryable['query'];
  return {
    kind: db.kind,
    query: wrap(db),
    transaction: (fn) => db.transaction((tx) => fn({ query: wrap(tx) })),
    poolStats: () => db.poolStats(),
    close: () => db.close(),
  };
}
