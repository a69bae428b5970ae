/**
 * Starts tracing from OTEL_* / PERFLAB_TRACING environment variables. Load it
 * before the app so instrumentation sees express and pg being loaded:
 *
 *   node --import tsx --import ./probes/register.ts app.ts
 *
 * Spans still pending when the event loop empties are flushed on beforeExit;
 * apps that exit on a signal should await probes.shutdown() (which flushes).
 */
import { startTracing } from './tracing/start-tracing.js';

const handle = await startTracing();
process.once('beforeExit', () => void handle.shutdown());
