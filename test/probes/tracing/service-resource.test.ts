import { diag, DiagLogLevel, trace, type DiagLogger } from '@opentelemetry/api';
import { defaultResource } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracedApp, type TracedApp } from '../helpers/traced-app.js';

// Tracing started unnamed (probes/register.ts without OTEL_SERVICE_NAME), and
// a span exported before the app names itself: the resource's encoding is
// already out, so createProbes({ serviceName }) is refused with a warning and
// every span keeps one service name. Own file: the OTel globals can be
// registered once per process.

const warnings: string[] = [];
const noop = () => {};
const logger: DiagLogger = {
  error: noop,
  warn: (message: string) => void warnings.push(message),
  info: noop,
  debug: noop,
  verbose: noop,
};
/** The SDK's default: `unknown_service:` and the process's executable. */
const DEFAULT_NAME = String(defaultResource().attributes[ATTR_SERVICE_NAME]);

let t: TracedApp;
const savedServiceName = process.env.OTEL_SERVICE_NAME;
beforeAll(async () => {
  delete process.env.OTEL_SERVICE_NAME;
  diag.setLogger(logger, DiagLogLevel.WARN);
  t = await startTracedApp({}, { serviceName: 'named-too-late' });
});
afterAll(async () => {
  await t.close();
  diag.disable();
  if (savedServiceName !== undefined) process.env.OTEL_SERVICE_NAME = savedServiceName;
});

describe('a service name given after spans were exported', () => {
  it('is refused with a warning, and the spans keep the name they went out with', async () => {
    trace.getTracer('early').startSpan('before the app').end();
    await t.tracing.forceFlush();
    const early = await t.receiver.waitFor((s) => s.name === 'before the app');
    expect(early.service).toBe(DEFAULT_NAME);
    expect(warnings.filter((w) => w.includes('named-too-late'))).toEqual([]);

    await t.wire('wrap'); // createProbes({ serviceName: 'named-too-late' })
    expect(warnings.filter((w) => w.includes('named-too-late'))).toEqual([
      `perflab: service.name "named-too-late" given after spans were made; the resource keeps "${DEFAULT_NAME}". Set OTEL_SERVICE_NAME.`,
    ]);

    const traceId = 'feedfacefeedfacefeedfacefeedface';
    await t.get('/hello', { traceparent: `00-${traceId}-b7ad6b7169203331-01` });
    await t.tracing.forceFlush();
    const server = await t.receiver.waitFor((s) => s.traceId === traceId && s.kind === 2);
    expect(server.service).toBe(DEFAULT_NAME);
    expect(t.probes.serviceName).toBe('named-too-late'); // the logs still carry the app's name
    expect(t.sink.lines.every((l) => l.service === 'named-too-late')).toBe(true);
  });
});
