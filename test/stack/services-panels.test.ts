import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DASHBOARDS } from '../../dashboards/index.js';
import * as N from '../../probes/metric-names.js';
import { makeEvent } from '../../target-app/services/events/event.js';
import { PAYMENTS_CONSUMER } from '../../target-app/services/payments/payments-worker.js';
import { BREAKER_STATE_VALUE } from '../../target-app/services/shared/service-metrics.js';
import type { RunningSystem } from '../../target-app/services/system.js';
import { startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { panelsWithoutData } from './helpers/panel-data.js';
import { startServicesShape, type ServicesShape } from './helpers/services-shape.js';

// The proof that the services dashboard shows data: the services shape in
// this process with its probes, the real `prometheus` binary scraping each
// HTTP service as a job of its own with the repo's rules, and a few bounded
// checkouts that give every panel something to show: orders confirmed and
// declined (the payments draw is pinned), an event that can never be
// charged (redelivered, then dead-lettered) and the users breaker opened by
// stopping users. Then every panel query of the services dashboard must
// return data.

const SERVICES_DASHBOARDS = DASHBOARDS.filter((d) => d.servicesOnly);
const ORDERS = 6;
/** An order id no order has: its charge fails on the amount before anything is written. */
const POISON_ORDER = 999_999;

let t: ServicesShape;
let prom: RunningPrometheus;
let token: string;
const outcomes: string[] = [];
const orderIds: number[] = [];

/** The repo's prometheus.yml, its services' jobs only, pointed at the test system and scraping every second. */
function servicesConfig(urls: RunningSystem['urls']): string {
  const config = parse(readFileSync('dashboards/prometheus/prometheus.yml', 'utf8')) as {
    global: Record<string, string>;
    scrape_configs: Array<{ job_name: string; metrics_path: string; static_configs: unknown }>;
  };
  config.global.scrape_interval = '1s';
  config.global.scrape_timeout = '1s';
  config.global.evaluation_interval = '1s';
  // The repo's job of each HTTP service, pointed at where the test system listens.
  const jobs = config.scrape_configs.filter((j) => j.job_name in urls);
  expect(jobs.map((j) => j.job_name).sort()).toEqual(Object.keys(urls).sort());
  for (const job of jobs)
    job.static_configs = [{ targets: [new URL(urls[job.job_name as keyof typeof urls]!).host] }];
  config.scrape_configs = jobs;
  return stringify(config);
}

const ruleFiles = (): Record<string, string> =>
  Object.fromEntries(
    readdirSync('dashboards/prometheus/rules').map((f) => [
      `rules/${f}`,
      readFileSync(`dashboards/prometheus/rules/${f}`, 'utf8'),
    ]),
  );

const value = async (expr: string): Promise<number> => Number((await prom.query(expr))[0]?.value[1]);

beforeAll(async () => {
  let draw = 0;
  t = await startServicesShape({
    env: {
      // Every other charge declined, by the pinned draw below.
      PAYMENT_FAILURE_RATE: '0.5',
      // Opens after two failed calls and stays open for the whole test.
      BREAKER_VOLUME_THRESHOLD: '2',
      BREAKER_TIMEOUT_MS: '1000',
      BREAKER_RESET_MS: '600000',
    },
    random: () => (draw++ % 2 === 0 ? 0.9 : 0.1),
    maxDeliver: 2,
  });
  const urls = t.system.urls;
  prom = await startPrometheus(servicesConfig(urls), ruleFiles());
  await prom.until(
    async () => (await prom.query(`${N.BREAKER_STATE} >= 0`)).length > 0 && (await value('sum(up)')) === 4,
    'the first scrape of every service',
  );

  token = await t.login(2);
  for (let i = 0; i < ORDERS; i++) {
    const placed = await t.request('/api/orders', {
      method: 'POST',
      token,
      body: { items: [{ productId: 1 + (i % 4), quantity: 1 }] },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const settled = await t.request(`/api/orders/${placed.body.id}`, {
      token,
      headers: { prefer: 'wait=20' },
    });
    orderIds.push(placed.body.id);
    outcomes.push(settled.body.status);
    // Each outcome in a scrape of its own: a series born at its first saga and
    // never scraped again before the next would have no rate, and a quantile of
    // no rate is NaN (what Grafana shows for a minute without sagas).
    await prom.until(async () => (await value(`sum(${N.SAGA_OUTCOMES})`)) === i + 1, `saga ${i + 1} scraped`);
  }

  // A charge that always fails: redelivered, then dead-lettered after maxDeliver attempts.
  await t.bus.publish(makeEvent('order.created', POISON_ORDER, { totalCents: 'not a number', items: [] }));

  // Users down: reading an order calls users, and two failed calls open the breaker.
  await t.system.stop('users');
  const orders = t.system.instr.get('orders')!.registry;
  const usersBreaker = async () =>
    (await orders.getSingleMetric(N.BREAKER_STATE)?.get())?.values.find(
      (v) => v.labels[N.LABEL_BREAKER] === 'users',
    )?.value;
  for (let i = 0; i < 20 && (await usersBreaker()) !== BREAKER_STATE_VALUE.open; i++) {
    const res = await t.request(`/api/orders/${orderIds[0]}`, { token });
    expect(res.status).toBe(200);
  }
  expect(await usersBreaker()).toBe(BREAKER_STATE_VALUE.open);
  // Back up, so every target is scraped again; the breaker stays open until its reset time.
  await t.system.restart('users');
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await t?.close();
});

describe('the services dashboard against a real Prometheus, after a few checkouts', () => {
  it('settled every checkout, some confirmed and some declined', () => {
    expect(outcomes).toHaveLength(ORDERS);
    expect(outcomes).toContain('confirmed');
    expect(outcomes).toContain('failed');
    expect(outcomes.filter((o) => o !== 'confirmed' && o !== 'failed')).toEqual([]);
  });

  it('Prometheus sees the open breaker, both saga outcomes and the dead letter', async () => {
    const breaker = `${N.BREAKER_STATE}{job="orders",${N.LABEL_BREAKER}="users"}`;
    await prom.until(async () => (await value(breaker)) === BREAKER_STATE_VALUE.open, 'the open breaker');
    const saga = (result: string) => `${N.SAGA_OUTCOMES}{job="orders",${N.LABEL_SAGA_RESULT}="${result}"}`;
    await prom.until(
      async () => (await value(saga('confirmed'))) + (await value(saga('failed'))) === ORDERS,
      'every saga outcome',
    );
    expect(await value(saga('failed'))).toBeGreaterThan(0);
    const dead = `${N.BUS_DEAD_LETTERS}{job="gateway",${N.LABEL_CONSUMER}="${PAYMENTS_CONSUMER}"}`;
    await prom.until(async () => (await value(dead)) === 1, 'the dead letter');
    expect(await value(`sum(${N.BUS_REDELIVERIES}{${N.LABEL_CONSUMER}="${PAYMENTS_CONSUMER}"})`)).toBe(1);
    expect((await t.bus.deadLetters(PAYMENTS_CONSUMER)).map((e) => e.orderId)).toEqual([POISON_ORDER]);
  }, 60_000);

  it("fires the dead-letter alert from the repo's rules", async () => {
    await prom.until(
      async () =>
        (await prom.query('ALERTS{alertname="PerflabDeadLetters",alertstate="firing"}')).length === 1,
      'the PerflabDeadLetters alert',
    );
  }, 60_000);

  it('every panel of the services dashboard returns data', async () => {
    expect(SERVICES_DASHBOARDS.map((d) => d.file)).toEqual(['services.json']);
    await prom
      .until(async () => (await panelsWithoutData(prom, SERVICES_DASHBOARDS)).length === 0, 'panel data')
      .catch(() => undefined);
    expect(await panelsWithoutData(prom, SERVICES_DASHBOARDS)).toEqual([]);
  }, 60_000);
});
