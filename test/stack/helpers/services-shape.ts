import type { EventBus } from '../../../target-app/services/events/types.js';
import { seedServices } from '../../../target-app/services/seed-services.js';
import {
  instrumentService,
  type ServiceInstrumentation,
} from '../../../target-app/services/shared/instrument-service.js';
import { busObserver } from '../../../target-app/services/shared/service-metrics.js';
import { loadServicesConfig } from '../../../target-app/services/shared/services-config.js';
import { startSystem, type RunningSystem } from '../../../target-app/services/system.js';
import { openTestBus } from '../../target-app/services/helpers/bus.js';
import { gatewayClient, type GatewayClient } from '../../target-app/services/helpers/client.js';
import { servicesTestEnv, testServicesDb } from '../../target-app/services/helpers/system.js';

export interface ServicesShape {
  system: RunningSystem;
  bus: EventBus;
  request: GatewayClient['request'];
  login: GatewayClient['login'];
  close(): Promise<void>;
}

/**
 * The services shape in this process, wired as `npm run target -- --mode
 * services` wires it (startServices): probes on in every service, and the bus
 * figures in the first service's registry (the gateway's). On the project's
 * database and bus (PostgreSQL and JetStream when DATABASE_URL and NATS_URL
 * are set, PGlite and the in-process bus otherwise), seeded small.
 */
export async function startServicesShape(options: {
  env: Record<string, string>;
  random: () => number;
  maxDeliver: number;
}): Promise<ServicesShape> {
  const store = await testServicesDb();
  const config = loadServicesConfig({
    NODE_ENV: 'test',
    ...servicesTestEnv(),
    SERVICES_SCHEMA_PREFIX: store.prefix,
    ...options.env,
  });
  const probesOn = { PERFLAB_PROBES: 'on' };
  const gateway = instrumentService('gateway', config.app, probesOn);
  const instruments: ServiceInstrumentation[] = [gateway];
  const bus = await openTestBus({ maxDeliver: options.maxDeliver, observer: busObserver(gateway.registry) });
  let system: RunningSystem;
  try {
    system = await startSystem({
      config,
      db: store.db,
      bus,
      instrument: (name) => {
        if (name === 'gateway') return gateway;
        const i = instrumentService(name, config.app, probesOn);
        instruments.push(i);
        return i;
      },
      random: options.random,
    });
    await seedServices(store.db, {
      seed: 7,
      users: 6,
      products: 8,
      seedPassword: config.app.seedPassword,
      adminPassword: config.app.adminPassword,
      schemas: config.schemas,
    });
  } catch (err) {
    await Promise.allSettled(instruments.map((i) => i.shutdown()));
    await bus.close();
    await store.drop();
    throw err;
  }
  const client = gatewayClient(() => system.urls.gateway as string, config.app.seedPassword);
  return {
    system,
    bus,
    request: client.request,
    login: client.login,
    async close() {
      await system.close();
      await bus.close();
      await store.drop();
    },
  };
}
