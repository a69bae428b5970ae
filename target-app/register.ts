/**
 * probes/register.ts for the target app: the same OTEL_* / PERFLAB_TRACING
 * configuration, but the context mode defaults to `explicit`, because the app
 * hands each request to its queries and logs itself (instrument.ts). Load it
 * before the app:
 *
 *   node --import tsx --import ./target-app/register.ts target-app/main.ts
 *
 * PERFLAB_CONTEXT=async-local-storage switches back to implicit context, as
 * PERFLAB_TRACING=auto does (the auto-instrumentations need it).
 */
import { startTracing } from '../probes/index.js';

const context = process.env.PERFLAB_TRACING?.trim() === 'auto' ? 'async-local-storage' : 'explicit';
const handle = await startTracing({}, { PERFLAB_CONTEXT: context, ...process.env });
process.once('beforeExit', () => void handle.shutdown());
