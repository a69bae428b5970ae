import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type ReceivedSpan } from '../../../probes/helpers/otlp-receiver.js';
import { killAllServices, spawnService, type ChildService } from '../helpers/child-service.js';
import { gatewayClient } from '../helpers/client.js';
import { realServices, realSetup, type RealSetup } from '../helpers/real-services.js';

// One checkout, one trace: every service runs as its own process (the compose
// shape) with its own service.name, exporting spans over OTLP/HTTP to the
// in-test receiver. The trace must hold the gateway's, orders', users',
// payments' and inventory's spans, each linked to its parent: HTTP hops by
// traceparent headers, bus hops by the traceparent each event carries.

let setup: RealSetup;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const children: ChildService[] = [];

describe.runIf(realServices)('a checkout is one trace across the services', () => {
  beforeAll(async () => {
    receiver = await startReceiver();
    setup = await realSetup();
    const env = {
      ...setup.env,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      PERFLAB_TRACING: 'lean',
    };
    const [users, catalog] = await Promise.all(
      ['users', 'catalog', 'payments', 'inventory'].map(async (name) => {
        const child = await spawnService(name, env);
        children.push(child);
        return child;
      }),
    );
    const upstreams = { USERS_URL: users!.urls.users!, CATALOG_URL: catalog!.urls.catalog! };
    const orders = await spawnService('orders', { ...env, ...upstreams });
    children.push(orders);
    children.push(await spawnService('gateway', { ...env, ...upstreams, ORDERS_URL: orders.urls.orders! }));
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(children.map((c) => c.kill('SIGTERM')));
    await killAllServices();
    await setup?.close();
    await receiver?.close();
  });

  it('links gateway, orders, users, payments and inventory spans in the checkout’s trace', async () => {
    const gateway = children.find((c) => c.name === 'gateway')!.urls.gateway!;
    const client = gatewayClient(() => gateway, setup.config.app.seedPassword);
    const token = await client.login(1);
    const traceId = randomBytes(16).toString('hex');
    const res = await client.request('/api/orders', {
      method: 'POST',
      token,
      body: { items: [{ productId: 1, quantity: 1 }] },
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    expect(res.status).toBe(201);
    const inTrace = (service: string, test: (s: ReceivedSpan) => boolean) =>
      receiver.waitFor((s) => s.traceId === traceId && s.service === service && test(s));
    const [gw, ordersServer, usersServer, payments, inventory, ordersConsumer] = await Promise.all([
      inTrace('gateway', (s) => s.kind === 2),
      inTrace('orders', (s) => s.kind === 2),
      inTrace('users', (s) => s.kind === 2),
      inTrace('payments', (s) => s.name === 'process order.created'),
      inTrace('inventory', (s) => s.name === 'process payment.completed'),
      inTrace('orders', (s) => s.name === 'process inventory.reserved'),
    ]);
    const byId = new Map(receiver.spans.filter((s) => s.traceId === traceId).map((s) => [s.spanId, s]));
    // Each hop's parent is a span of the trace, made by the service that called or published.
    const parentService = (s: ReceivedSpan) => byId.get(s.parentSpanId)?.service;
    expect(parentService(ordersServer)).toBe('gateway');
    expect(parentService(usersServer)).toBe('orders');
    expect(parentService(payments)).toBe('orders');
    expect(parentService(inventory)).toBe('payments');
    expect(parentService(ordersConsumer)).toBe('inventory');
    expect(gw.parentSpanId).not.toBe('');
    expect(payments.kind).toBe(5); // CONSUMER
  }, 120_000);
});
