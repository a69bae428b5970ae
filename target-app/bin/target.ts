import { parseArgs } from 'node:util';
import { PerflabError } from '../../common/perflab-error.js';
import { loadServicesConfig } from '../services/shared/services-config.js';
import { startServices } from '../services/start-services.js';
import { SERVICE_NAMES, type ServiceName } from '../services/system.js';
import { exitWithError } from './exit.js';

const USAGE = `usage: npm run target -- [--mode monolith|services] [--service <name>]
       perflab target [--mode monolith|services] [--service <name>]   (the same, from the repository)

  --mode monolith   the shop API in one app (what npm start runs; the default)
  --mode services   gateway, users, catalog, orders, payments and inventory;
                    all in this process unless --service picks one
  --service <name>  one of ${SERVICE_NAMES.join(', ')} (the compose shape:
                    one process per service, on DATABASE_URL and NATS_URL;
                    a worker apart serves /healthz, /readyz and /metrics on
                    PAYMENTS_PORT or INVENTORY_PORT)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'monolith' },
      service: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.mode === 'monolith') {
    if (values.service) throw new PerflabError('PERFLAB_E_CONFIG', '--service needs --mode services');
    await import('../main.js');
    return;
  }
  if (values.mode !== 'services')
    throw new PerflabError(
      'PERFLAB_E_CONFIG',
      `--mode must be monolith or services, got ${JSON.stringify(values.mode)}`,
    );
  if (values.service !== undefined && !SERVICE_NAMES.includes(values.service as ServiceName))
    throw new PerflabError(
      'PERFLAB_E_CONFIG',
      `--service must be one of ${SERVICE_NAMES.join(', ')}, got ${JSON.stringify(values.service)}`,
    );
  const config = loadServicesConfig();
  const only = values.service ? [values.service as ServiceName] : undefined;
  const started = await startServices(config, only);
  started.logger.info(
    { urls: started.system.urls, seeded: started.seeded, bus: config.natsUrl ? 'jetstream' : 'memory' },
    'services listening',
  );
  process.stdout.write(`perflab services: ${JSON.stringify(started.system.urls)}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void started.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(exitWithError);
