import { request } from 'undici';
import { mergeResults, run, type RunResult } from '../../loadtests/index.js';
import type { FlagName } from '../../target-app/flags/index.js';
import { encodeCursor } from '../../target-app/http/cursor.js';
import type { LabCell, LabRow } from './format-lab.js';
import type { LabTarget } from './lab-target.js';
import { perRequest, readCounters } from './server-delta.js';
import { HEAVY_USER, type LabData, type Workload } from './workloads.js';

export interface LabOptions {
  rounds: number;
  phaseMs: number;
  warmupMs: number;
  seedPassword: string;
  adminPassword: string;
  /** Orders added to the heavy customer (PostgreSQL), so deep pages and big pages exist. */
  heavyOrders: number;
  log: (line: string) => void;
}

async function json<T>(
  target: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  token?: string,
) {
  const res = await request(target + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * Gives the heavy customer tens of thousands of orders (one line each) on
 * PostgreSQL, then finds where the deep page starts. Runs before any flag is on.
 */
export async function prepareLabData(t: LabTarget, o: LabOptions): Promise<LabData> {
  if (t.sql) {
    await t.sql.query(
      `INSERT INTO orders (user_id, user_name, user_email, total_cents, created_at)
       SELECT u.id, u.name, u.email, 0, timestamptz '2025-01-01' + g * interval '1 minute'
         FROM users u, generate_series(1, $2::int) g WHERE u.id = $1`,
      [HEAVY_USER, o.heavyOrders],
    );
    await t.sql.query(
      `INSERT INTO order_items (order_id, line_no, product_id, product_name, unit_price_cents, quantity)
       SELECT o.id, 1, p.id, p.name, p.price_cents, 1 FROM orders o JOIN products p ON p.id = 1 + o.id % 1000
        WHERE o.user_id = $1 AND o.total_cents = 0`,
      [HEAVY_USER],
    );
    await t.sql.query(
      `UPDATE orders o SET total_cents = i.unit_price_cents FROM order_items i
        WHERE i.order_id = o.id AND o.user_id = $1 AND o.total_cents = 0`,
      [HEAVY_USER],
    );
    await t.sql.query('ANALYZE');
  }
  // The keyset cursor that starts where the offset page starts: walk there once.
  const token = (
    await json<{ token: string }>(t.url, 'POST', '/api/auth/login', {
      email: `user${HEAVY_USER}@perflab.local`,
      password: o.seedPassword,
    })
  ).token;
  let cursor: string | null = null;
  let depth = 0;
  const pages: { cursor: string; depth: number }[] = [];
  for (let i = 0; i < 1_000; i++) {
    const page: { items: unknown[]; nextCursor: string | null } = await json(
      t.url,
      'GET',
      `/api/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      undefined,
      token,
    );
    depth += page.items.length;
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
    pages.push({ cursor, depth });
  }
  // Two pages before the end, so the page is always full.
  const deep = pages.at(-2) ??
    pages.at(-1) ?? { cursor: encodeCursor(['2999-01-01T00:00:00.000Z', 0]), depth: 0 };
  return {
    seedPassword: o.seedPassword,
    adminPassword: o.adminPassword,
    deepOffset: deep.depth,
    deepKeysetCursor: deep.cursor,
    productIds: Array.from({ length: 200 }, (_, i) => i + 1),
  };
}

interface Phase {
  result: RunResult;
  responseBytes: number | null;
  queries: number | null;
  dbMs: number | null;
  heapGrowthMb: number;
}

const MB = 2 ** 20;
const max = (xs: (number | null)[]): number | null => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? null : Math.max(...known);
};

function cell(phases: Phase[]): LabCell {
  // The rounds ran one after another, not side by side: only the pooled
  // latency histogram is read from the merge, never its rates.
  const merged = mergeResults(
    phases.map((p) => p.result),
    { force: true },
  );
  const mean = (xs: (number | null)[]): number | null => {
    const known = xs.filter((x): x is number => x !== null);
    return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
  };
  return {
    p50: merged.latency.p50,
    p95: merged.latency.p95,
    p99: merged.latency.p99,
    rps: phases.reduce((s, p) => s + p.result.totals.rps, 0) / phases.length,
    requests: merged.totals.requests,
    errors: merged.totals.errors,
    queriesPerRequest: mean(phases.map((p) => p.queries)),
    dbMsPerRequest: mean(phases.map((p) => p.dbMs)),
    heapGrowthMb: mean(phases.map((p) => p.heapGrowthMb)),
    peakHeapMb: max(
      phases.map((p) => (p.result.server.peakHeapBytes ?? null) && p.result.server.peakHeapBytes! / MB),
    ),
    lagP99Ms: max(phases.map((p) => p.result.server.eventLoopLagP99Ms ?? null)),
    poolWaiting: mean(phases.map((p) => p.result.server.poolPendingMean ?? null)),
    responseKb: mean(phases.map((p) => (p.responseBytes === null ? null : p.responseBytes / 1024))),
  };
}

/** Runs one workload: rounds × (off, on), the order alternating each round. */
export async function runWorkload(
  t: LabTarget,
  w: Workload,
  data: LabData,
  o: LabOptions,
  adminToken: string,
): Promise<LabRow> {
  const phases: Record<'on' | 'off', Phase[]> = { on: [], off: [] };
  const setFlag = (on: boolean) =>
    json(t.url, 'PUT', '/api/admin/flags', { [w.flag]: on } as Record<FlagName, boolean>, adminToken);
  try {
    for (let round = 0; round < o.rounds; round++) {
      for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
        await setFlag(on);
        const before = await readCounters(t.url);
        const result = await run({
          target: t.url,
          scenario: w.scenario(data, on),
          model: { kind: 'open', rate: w.rate, maxConnections: 256, maxSendLagMs: 50 },
          durationMs: o.phaseMs,
          warmupMs: o.warmupMs,
          timeoutMs: 30_000,
          scrapeIntervalMs: 1_000,
        }).finished;
        if (result.totals.requests > 0 && result.totals.errors === result.totals.requests)
          throw new Error(
            `${w.flag} ${on ? 'on' : 'off'}: every request failed (${JSON.stringify(result.totals.errorsByKind)}); the workload is broken, not slow`,
          );
        const after = await readCounters(t.url);
        const { queries, dbMs } = perRequest(before, after);
        phases[on ? 'on' : 'off'].push({
          result,
          responseBytes: w.responseBytes ? await w.responseBytes(t.url, data) : null,
          queries,
          dbMs,
          heapGrowthMb: (after.heapBytes - before.heapBytes) / 2 ** 20,
        });
        o.log(
          `  ${w.flag} ${on ? 'on ' : 'off'} round ${round + 1}: p95 ${result.latency.p95.toFixed(2)} ms, ${result.totals.requests} requests, ${result.totals.errors} errors`,
        );
      }
    }
  } finally {
    await setFlag(false);
  }
  return {
    flag: w.flag,
    requests: w.requests,
    rate: w.rate,
    rounds: o.rounds,
    off: cell(phases.off),
    on: cell(phases.on),
  };
}
