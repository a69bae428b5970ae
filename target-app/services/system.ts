import { createTokenService, type TokenService } from '../auth/tokens.js';
import type { Db } from '../db/types.js';
import type { RedisCommander } from '../security/redis-store.js';
import { CATALOG_MIGRATIONS } from './catalog/migrations.js';
import { createCatalogApp } from './catalog/catalog-app.js';
import { startRelay, type Relay } from './events/outbox.js';
import type { EventBus, Subscription } from './events/types.js';
import { createGatewayApp } from './gateway/gateway-app.js';
import { startInventoryWorker } from './inventory/inventory-worker.js';
import { ORDERS_MIGRATIONS } from './orders/migrations.js';
import { createOrdersApp } from './orders/orders-app.js';
import { startOrderSaga } from './orders/saga-consumer.js';
import { createUpstreams } from './orders/upstreams.js';
import { PAYMENTS_MIGRATIONS } from './payments/migrations.js';
import { startPaymentsWorker } from './payments/payments-worker.js';
import { instrumentService, type ServiceInstrumentation } from './shared/instrument-service.js';
import { listen, type Listening } from './shared/listen.js';
import { createServiceApp } from './shared/service-app.js';
import { migrateService } from './shared/schema.js';
import type { ServicesConfig } from './shared/services-config.js';
import { USERS_MIGRATIONS } from './users/migrations.js';
import { createUsersApp } from './users/users-app.js';

export const SERVICE_NAMES = ['users', 'catalog', 'orders', 'payments', 'inventory', 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
type HttpService = 'gateway' | 'users' | 'catalog' | 'orders';

export interface SystemDeps {
  config: ServicesConfig;
  /** The database every included service uses, each in its own schema. */
  db: Db;
  bus: EventBus;
  /** Which services this process runs; all of them by default (the one-process shape). */
  only?: readonly ServiceName[];
  /** Per-service probes; instrumentService by default. */
  instrument?: (name: ServiceName) => ServiceInstrumentation;
  redis?: RedisCommander;
  tokens?: TokenService;
  /** The payments worker's decline draw (tests pin it). */
  random?: () => number;
}

export interface RunningSystem {
  /**
   * Where each service of this process listens. A worker listens (/healthz,
   * /readyz, /metrics only) when the gateway does not run in this process.
   */
  urls: Partial<Record<ServiceName, string>>;
  instr: Map<ServiceName, ServiceInstrumentation>;
  /** The outbox relays of this process, by schema. */
  relays: Map<string, Relay>;
  /** Stops one HTTP service (a fault test's "users is down"); start it again with restart(). */
  stop(name: HttpService): Promise<void>;
  restart(name: HttpService): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the services shape: in one process (the embedded default) or the
 * part of it this process runs (`only`, one service per process in compose).
 * Migrates each included service's schema, starts its outbox relay and
 * consumers, and listens. Upstreams come from the config's URLs, else from
 * the services listening in this process.
 */
export async function startSystem(d: SystemDeps): Promise<RunningSystem> {
  const { config: c, db, bus } = d;
  const included = new Set<ServiceName>(d.only ?? SERVICE_NAMES);
  const tokens = d.tokens ?? createTokenService(c.app.jwtSecret);
  const instr = new Map<ServiceName, ServiceInstrumentation>();
  const instrumentOf = (name: ServiceName) => {
    let i = instr.get(name);
    if (!i) {
      i = d.instrument ? d.instrument(name) : instrumentService(name, c.app);
      instr.set(name, i);
    }
    return i;
  };
  if (included.has('users')) await migrateService(db, c.schemas.users, USERS_MIGRATIONS);
  if (included.has('catalog') || included.has('inventory'))
    await migrateService(db, c.schemas.catalog, CATALOG_MIGRATIONS);
  if (included.has('orders')) await migrateService(db, c.schemas.orders, ORDERS_MIGRATIONS);
  if (included.has('payments')) await migrateService(db, c.schemas.payments, PAYMENTS_MIGRATIONS);

  const listening = new Map<ServiceName, Listening>();
  const listeners = new Map<ServiceName, { listener: Parameters<typeof listen>[0]; port: number }>();
  const urlOf = (name: 'users' | 'catalog' | 'orders') => () => {
    const url = c.urls[name] ?? listening.get(name)?.url;
    if (!url) throw new Error(`no URL for the ${name} service: set ${name.toUpperCase()}_URL`);
    return url;
  };
  const relays = new Map<string, Relay>();
  const relayFor = (name: ServiceName, schema: string) => {
    let r = relays.get(schema);
    if (!r) {
      r = startRelay({ db: instrumentOf(name).db(db), schema, bus, logger: instrumentOf(name).logger });
      relays.set(schema, r);
    }
    return r;
  };
  const subscriptions: Subscription[] = [];
  // A worker has no routes, but apart it is a process of its own: without a
  // listener nothing could check it or scrape its metrics (the bus figures among
  // them). Beside the gateway (one process) those figures are on the gateway's /metrics.
  const serveWorker = async (name: 'payments' | 'inventory') => {
    if (included.has('gateway')) return;
    const i = instrumentOf(name);
    const app = createServiceApp({ instr: i, config: c.app, db: i.db(db), routes: () => {} });
    await serve(name, app, c.ports[name]);
  };
  const closers: Array<() => Promise<void>> = [];
  const serve = async (name: ServiceName, app: Parameters<typeof listen>[0], port: number) => {
    const listener = instrumentOf(name).wrap(app);
    listeners.set(name, { listener, port });
    listening.set(name, await listen(listener, c.app.host, port));
  };

  try {
    if (included.has('users')) {
      const i = instrumentOf('users');
      const app = createUsersApp({
        instr: i,
        config: c.app,
        db: i.db(db),
        schema: c.schemas.users,
        tokens,
        ...(d.redis ? { redis: d.redis } : {}),
      });
      await serve('users', app, c.ports.users);
    }
    if (included.has('catalog')) {
      const i = instrumentOf('catalog');
      await serve(
        'catalog',
        createCatalogApp({ instr: i, config: c.app, db: i.db(db), schema: c.schemas.catalog }),
        c.ports.catalog,
      );
    }
    if (included.has('inventory')) {
      const i = instrumentOf('inventory');
      const relay = relayFor('inventory', c.schemas.catalog);
      subscriptions.push(
        await startInventoryWorker({ db: i.db(db), schema: c.schemas.catalog, bus, relay, logger: i.logger }),
      );
      await serveWorker('inventory');
    }
    if (included.has('payments')) {
      const i = instrumentOf('payments');
      const relay = relayFor('payments', c.schemas.payments);
      subscriptions.push(
        ...(await startPaymentsWorker({
          db: i.db(db),
          schema: c.schemas.payments,
          bus,
          relay,
          logger: i.logger,
          failureRate: c.paymentFailureRate,
          ...(d.random ? { random: d.random } : {}),
        })),
      );
      await serveWorker('payments');
    }
    if (included.has('orders')) {
      const i = instrumentOf('orders');
      const relay = relayFor('orders', c.schemas.orders);
      const upstreams = createUpstreams({
        usersUrl: urlOf('users'),
        catalogUrl: urlOf('catalog'),
        breaker: c.breaker,
        registry: i.registry,
        logger: i.logger,
      });
      closers.push(() => upstreams.close());
      subscriptions.push(
        await startOrderSaga({ db: i.db(db), schema: c.schemas.orders, bus, relay, registry: i.registry }),
      );
      const app = createOrdersApp({
        instr: i,
        config: c.app,
        db: i.db(db),
        schema: c.schemas.orders,
        tokens,
        upstreams,
        onOrderCreated: () => relay.notify(),
      });
      await serve('orders', app, c.ports.orders);
    }
    if (included.has('gateway')) {
      const i = instrumentOf('gateway');
      const gw = createGatewayApp({
        instr: i,
        config: c.app,
        upstreams: { users: urlOf('users'), catalog: urlOf('catalog'), orders: urlOf('orders') },
        timeoutMs: c.gatewayTimeoutMs,
        ...(d.redis ? { redis: d.redis } : {}),
      });
      closers.push(gw.close);
      await serve('gateway', gw.app, c.ports.gateway);
    }
  } catch (err) {
    await Promise.allSettled([...listening.values()].map((l) => l.close()));
    throw err;
  }

  return {
    urls: Object.fromEntries([...listening].map(([name, l]) => [name, l.url])),
    instr,
    relays,
    async stop(name) {
      await listening.get(name)?.close();
    },
    async restart(name) {
      const l = listening.get(name);
      const spec = listeners.get(name);
      if (!l || !spec) throw new Error(`${name} does not run in this process`);
      // The same port, so callers holding its URL find it again.
      listening.set(name, await listen(spec.listener, c.app.host, l.port));
    },
    async close() {
      await Promise.allSettled(subscriptions.map((s) => s.stop()));
      await Promise.allSettled([...relays.values()].map((r) => r.stop()));
      await Promise.allSettled([...listening.values()].map((l) => l.close()));
      await Promise.allSettled(closers.map((f) => f()));
      await Promise.allSettled([...instr.values()].map((i) => i.shutdown()));
    },
  };
}
