/**
 * Tracing for a process of the services shape, loaded before it (as
 * target-app/register.ts is for the monolith):
 *
 *   node --import tsx --import ./target-app/services/register.ts target-app/bin/target.ts --mode services
 *
 * service.name is OTEL_SERVICE_NAME, else the one service this process runs
 * (`--service orders`, or PERFLAB_SERVICE), else `perflab-services` for all in one
 * (`target-app` in monolith mode, as target-app/register.ts names it).
 */
import { startTracing } from '../../probes/index.js';

const flag = process.argv.indexOf('--service');
const one = (flag >= 0 ? process.argv[flag + 1] : undefined) ?? process.env.PERFLAB_SERVICE;
const mode = process.argv[process.argv.indexOf('--mode') + 1];
const shape = process.argv.includes('--mode') && mode === 'services' ? 'perflab-services' : 'target-app';
const serviceName = process.env.OTEL_SERVICE_NAME?.trim() || one || shape;
const context = process.env.PERFLAB_TRACING?.trim() === 'auto' ? 'async-local-storage' : 'explicit';
const handle = await startTracing({ serviceName }, { PERFLAB_CONTEXT: context, ...process.env });
process.once('beforeExit', () => void handle.shutdown());
