import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DASHBOARDS } from '../../dashboards/index.js';
import { recordingRules } from '../../dashboards/prometheus/rules-source.js';
import { main } from '../../loadtests/cli/main.js';
import * as RW from '../../loadtests/outputs/remote-write/metric-names.js';
import { readResult } from '../../loadtests/result/result-file.js';
import type { RunResult } from '../../loadtests/types.js';
import * as N from '../../probes/metric-names.js';
import { createProbes, startTracing, type Probes, type TracingHandle } from '../../probes/index.js';
import type { TestApp } from '../helpers/app.js';
import { failingOn } from '../helpers/failing-db.js';
import { startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { captureIo } from '../loadtests/helpers/capture-io.js';
import { startReceiver } from '../probes/helpers/otlp-receiver.js';
import { FLAG } from '../../target-app/flags/names.js';
import { annotationsWithoutData, panelsWithoutData } from './helpers/panel-data.js';
import { FAILING_SEARCH } from './helpers/stack-scenario.js';

// The proof that the dashboards show data: the target app with its probes
// (spans to an in-test OTLP receiver), the real `prometheus` binary scraping
// it with the repo's own config and rules (only the target address and the
// intervals changed), and a perflab run writing its figures over remote
// write. Then every panel query of every dashboard must return data (the
// services dashboard's proof is services-panels.test.ts), every
// recording rule must yield series, the written totals must match
// result.json, and the exemplars Prometheus kept must be traces the receiver got.
// An admin switches a lab flag on through the API first, so the flag
// annotation has something to mark and the split of real from synthetic
// (perflab) traffic has both kinds.

process.env.PERFLAB_TEST_DB ??= 'pglite';

const JOB = 'target-app';
const TESTID = 'stack-proof';
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let tracing: TracingHandle;
let probes: Probes;
let app: TestApp;
let prom: RunningPrometheus;
let outDir: string;
let result: RunResult;
let runStderr: string[];
/** Switched on through the admin API before the run: harmless to the load (it acts on x-perflab-* headers only). */
const SWITCHED = FLAG.FAULT_HEADERS;
/** The requests made with a User-Agent other than perflab's: the admin login and the flag switch. */
const REAL_REQUESTS = 2;

/** The repo's prometheus.yml, pointed at the test app and scraping every second. */
function adaptedConfig(target: string): string {
  const config = parse(readFileSync('dashboards/prometheus/prometheus.yml', 'utf8')) as {
    global: Record<string, string>;
    scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
  };
  config.global.scrape_interval = '1s';
  config.global.scrape_timeout = '1s';
  config.global.evaluation_interval = '1s';
  // The monolith's job only; the services' jobs are services-panels.test.ts's.
  config.scrape_configs = config.scrape_configs.filter((j) => j.job_name === JOB);
  expect(config.scrape_configs).toHaveLength(1);
  for (const job of config.scrape_configs) job.static_configs = [{ targets: [target] }];
  return stringify(config);
}

const ruleFiles = (): Record<string, string> =>
  Object.fromEntries(
    readdirSync('dashboards/prometheus/rules').map((f) => [
      `rules/${f}`,
      readFileSync(`dashboards/prometheus/rules/${f}`, 'utf8'),
    ]),
  );

beforeAll(async () => {
  receiver = await startReceiver();
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${receiver.url}/v1/traces`;
  tracing = await startTracing({ serviceName: JOB, mode: 'lean', context: 'explicit' });
  delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const { startTestApp, TEST_SEED } = await import('../helpers/app.js');
  process.env.PERFLAB_SEED_USERS = String(TEST_SEED.users);
  probes = createProbes({
    serviceName: JOB,
    logLevel: 'silent',
    memoryIntervalMs: 0,
    // Low enough that the load makes slow queries and slow requests to count.
    slowQueryMs: 1,
    slowRequestMs: 5,
  });
  app = await startTestApp({
    instrumentation: (db) => ({
      wrap: probes.wrap,
      metricsHandler: probes.metricsHandler,
      logger: probes.logger,
      forRequest: probes.forRequest,
      // The app registers perflab_flag_enabled here.
      registry: probes.registry,
      db: probes.instrumentDb(failingOn(db, FAILING_SEARCH, { sql: 'SELECT * FROM no_such_table' })),
    }),
  });
  prom = await startPrometheus(adaptedConfig(new URL(app.url).host), ruleFiles());
  await prom.until(async () => (await prom.query(`up{job="${JOB}"} == 1`)).length === 1, 'the first scrape');
  const admin = await app.login('admin');
  const switched = await app.request('/api/admin/flags', {
    method: 'PUT',
    token: admin,
    body: { [SWITCHED]: true },
  });
  expect(switched.status, JSON.stringify(switched.body)).toBe(200);
  expect(switched.body.flags[SWITCHED]).toBe(true);

  outDir = mkdtempSync(join(tmpdir(), 'perflab-stack-'));
  const io = captureIo();
  const code = await main(
    [
      'run',
      'test/stack/helpers/stack-scenario.ts',
      '--target',
      app.url,
      '--rate',
      '25',
      '--duration',
      '6s',
      '--max-send-lag',
      '1s',
      '--out',
      outDir,
      '--prometheus-rw',
      `${prom.url}/api/v1/write`,
      '--testid',
      TESTID,
      '--quiet',
    ],
    io,
  );
  runStderr = io.stderr;
  expect(code, io.stderr.join('\n')).toBe(0);
  result = await readResult(join(outDir, 'result.json'));
}, 240_000);

afterAll(async () => {
  await prom?.stop();
  await app?.close();
  await probes?.shutdown();
  await tracing?.shutdown();
  await receiver?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const value = async (expr: string): Promise<number> => Number((await prom.query(expr))[0]?.value[1]);
const monolithPanelsWithoutData = (): Promise<string[]> =>
  panelsWithoutData(
    prom,
    DASHBOARDS.filter((d) => !d.servicesOnly),
  );

describe('the stack against a real Prometheus, after a perflab run', () => {
  it('receives the remote-written figures, equal to result.json', async () => {
    expect(result.totals.requests).toBeGreaterThan(50);
    expect(result.totals.errors).toBeGreaterThan(0);
    const sel = `{${RW.LABEL_TESTID}="${TESTID}"}`;
    await prom.until(
      async () => (await value(`sum(${RW.LOAD_REQUESTS}${sel})`)) === result.totals.requests,
      'remote-written totals',
    );
    expect(await value(`sum(${RW.LOAD_ERRORS}${sel})`)).toBe(result.totals.errors);
    for (const [endpoint, ep] of Object.entries(result.endpoints)) {
      const one = `{${RW.LABEL_TESTID}="${TESTID}",${RW.LABEL_ENDPOINT}="${endpoint}"}`;
      expect(await value(`sum(${RW.LOAD_REQUESTS}${one})`), endpoint).toBe(ep.requests);
      expect(await value(`sum(${RW.LOAD_ERRORS}${one})`), endpoint).toBe(ep.errors);
    }
    expect(runStderr.join('\n')).toMatch(/remote write: (\d+)\/\1 pushes/);
  });

  it('the app answered 500 and ran slow queries, as the panels need', async () => {
    expect(result.endpoints['failing search']?.statusCodes['500']).toBeGreaterThan(0);
    expect(await value(`sum(${N.DB_CLIENT_SLOW_QUERIES}{job="${JOB}"})`)).toBeGreaterThan(0);
  });

  it('every recording rule yields series', async () => {
    const records = recordingRules().flatMap((g) => g.rules.map((r) => r.record as string));
    const missing = async () => {
      const out: string[] = [];
      for (const r of records) if ((await prom.query(r)).length === 0) out.push(r);
      return out;
    };
    await prom.until(async () => (await missing()).length === 0, 'recording rules').catch(() => undefined);
    expect(await missing()).toEqual([]);
  });

  it('every panel of every dashboard but the services one returns data', async () => {
    await prom
      .until(async () => (await monolithPanelsWithoutData()).length === 0, 'panel data')
      .catch(() => undefined);
    expect(await monolithPanelsWithoutData()).toEqual([]);
  }, 60_000);

  it('every annotation query returns data: the flag switched on is marked', async () => {
    const monolith = DASHBOARDS.filter((d) => !d.servicesOnly);
    await prom
      .until(async () => (await annotationsWithoutData(prom, monolith)).length === 0, 'annotation data')
      .catch(() => undefined);
    expect(await annotationsWithoutData(prom, monolith)).toEqual([]);
    const marked = await prom.query(`max by (${N.LABEL_FLAG}) (${N.FLAG_ENABLED}{job="${JOB}"}) > 0`);
    expect(marked.map((s) => s.metric[N.LABEL_FLAG])).toEqual([SWITCHED]);
  });

  it('tells perflab load from real traffic by user_agent_synthetic_type', async () => {
    const L = N.LABEL_USER_AGENT_SYNTHETIC_TYPE;
    const byKind = async (): Promise<Map<string, number>> =>
      new Map(
        (await prom.query(`sum by (${L}) (${N.HTTP_SERVER_REQUEST_DURATION}_count{job="${JOB}"})`)).map(
          (s) => [s.metric[L] ?? '', Number(s.value[1])],
        ),
      );
    // Measured requests, plus the scenario's setup and the preflight: all perflab's.
    await prom.until(
      async () => ((await byKind()).get(N.SYNTHETIC_TEST) ?? 0) >= result.totals.requests,
      'the last scrape after the run',
    );
    const kinds = await byKind();
    expect([...kinds.keys()].sort()).toEqual(['', N.SYNTHETIC_TEST]);
    expect(kinds.get('')).toBe(REAL_REQUESTS);
  });

  it('keeps exemplars whose trace ids are traces the app exported', async () => {
    const start = Date.now() / 1000 - 300;
    const end = Date.now() / 1000;
    await tracing.forceFlush();
    const received = new Set(receiver.spans.map((s) => s.traceId));
    for (const metric of [N.HTTP_SERVER_REQUEST_DURATION, N.DB_CLIENT_OPERATION_DURATION]) {
      const exemplars = await prom.exemplars(`${metric}_bucket{job="${JOB}"}`, start, end);
      const ids = exemplars.map((e) => e.labels.trace_id);
      expect(ids.length, metric).toBeGreaterThan(0);
      for (const id of ids) {
        expect(id).toMatch(/^[0-9a-f]{32}$/);
        expect(received.has(id as string), `${metric} exemplar ${id} not among exported traces`).toBe(true);
      }
    }
  });
});
