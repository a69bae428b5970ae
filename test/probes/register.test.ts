import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainGet } from './helpers/probe-harness.js';
import { startReceiver } from './helpers/otlp-receiver.js';

// probes/register.ts as an app loads it: `node --import tsx --import
// ./probes/register.ts`, configured only by environment variables, exporting
// over OTLP/HTTP to a receiver started here. One child process per mode, since
// the OpenTelemetry globals can be registered once per process.

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

interface Child {
  proc: ChildProcess;
  url: string;
  lines: string[];
  stop(): Promise<void>;
}

async function startFixture(env: Record<string, string>): Promise<Child> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './probes/register.ts', 'test/probes/helpers/fixture-server.ts'],
    {
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '60000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  let buffer = '';
  let resolveUrl: (url: string) => void;
  const ready = new Promise<string>((resolve) => (resolveUrl = resolve));
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      const m = /^listening (http:\/\/\S+)$/.exec(line);
      if (m) resolveUrl(m[1]!);
    }
  });
  const exited = once(proc, 'exit');
  const url = await Promise.race([
    ready,
    exited.then(([code]) => Promise.reject(new Error(`fixture exited early with ${String(code)}`))),
  ]);
  return {
    proc,
    url,
    lines,
    async stop() {
      proc.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0); // shutdown() lets the process exit cleanly
    },
  };
}

// Each case its own trace id and service name, and the OTLP encoding it must arrive in.
describe.each([
  ['lean', {}, '5bf92f3577b34da6a3ce929d0e0e4736', 'application/x-protobuf'],
  ['auto', { PERFLAB_TRACING: 'auto' }, '6bf92f3577b34da6a3ce929d0e0e4736', 'application/x-protobuf'],
  [
    'lean, OTLP/JSON',
    { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    '7bf92f3577b34da6a3ce929d0e0e4736',
    'application/json',
  ],
])('register.ts with tracing %s', (mode, env, traceId, contentType) => {
  it('continues traceparent, nests the DB span, exports on shutdown, and correlates exemplars and logs', async () => {
    const child = await startFixture({ OTEL_SERVICE_NAME: `register-${mode}`, ...env });
    let metrics: string;
    try {
      const res = await plainGet(`${child.url}/api/orders/9`, {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      });
      expect(res.status).toBe(200);
      metrics = (await plainGet(`${child.url}/metrics`, { accept: 'application/openmetrics-text' })).body;
    } finally {
      await child.stop();
    }
    const server = await receiver.waitFor((s) => s.traceId === traceId && s.kind === 2);
    expect(server).toMatchObject({
      name: 'GET /api/orders/:id',
      parentSpanId: '00f067aa0ba902b7',
      service: `register-${mode}`,
      contentType,
    });
    expect(server.attributes['http.route']).toBe('/api/orders/:id');
    const db = await receiver.waitFor((s) => s.traceId === traceId && s.name === 'SELECT orders');
    const trace = receiver.spans.filter((s) => s.traceId === traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    let cursor: (typeof trace)[number] | undefined = db;
    while (cursor && cursor !== server) cursor = byId.get(cursor.parentSpanId);
    expect(cursor).toBe(server);
    if (!mode.startsWith('auto')) expect(trace).toHaveLength(2);
    else expect(trace.some((s) => s.name.startsWith('request handler'))).toBe(true); // express instrumentation

    expect(metrics).toContain(`trace_id="${traceId}"`);
    const log = child.lines.map((l) => JSON.parse(l.startsWith('{') ? l : '{}') as Record<string, unknown>);
    expect(log.find((l) => l.msg === 'order fetched')).toMatchObject({
      trace_id: traceId,
      service: 'fixture',
    });
  });
});
