/**
 * One configuration of `npm run bench:probes-micro` (BENCH_MICRO_CONFIG):
 * the probes' own work for one order-history request, on fake request,
 * response and database objects, through the real middleware, DB wrapper,
 * tracer and OTLP writer. Spans go through SerializingSpanProcessor into an
 * exporter that builds the request body and discards it, so no network is
 * involved. Spans are sampled by OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG
 * when set, else all of them (always_on, as bench:probes runs the probes).
 * Driven over IPC: the child sends `{ ready, sampler }` once warmed up; `{ ms }`
 * runs requests for that long and answers `{ requests, cpuMicros }`.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BatchSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createProbes, startTracing } from '../probes/index.js';
import {
  SerializedOtlpExporter,
  serializedJsonRequest,
  serializedProtoRequest,
  type OtlpProtocol,
} from '../probes/tracing/otlp/otlp-exporter.js';
import { SerializingSpanProcessor } from '../probes/tracing/otlp/serializing-processor.js';
import { samplerFromEnv } from '../probes/tracing/lean-tracer.js';
import { MICRO_CONFIGS, type MicroConfig } from './lib/micro-configs.js';

const config = process.env.BENCH_MICRO_CONFIG as MicroConfig;
/*
 * BENCH_PACED=1: bursts of 5 requests every 5 ms (about 1,000 a second, the
 * rate the order-history route runs at under bench:probes) instead of back to
 * back. Between bursts the process sleeps, so each burst meets colder caches,
 * as a request inside a busy application does.
 */
const PACED = process.env.BENCH_PACED === '1';
if (!MICRO_CONFIGS.includes(config))
  throw new Error(`BENCH_MICRO_CONFIG must be one of ${MICRO_CONFIGS.join(', ')}`);
// A value the SDK would fall back from stops the child instead: a figure
// labelled with one sampler must not be measured with another.
const sampler = samplerFromEnv(
  {
    OTEL_TRACES_SAMPLER: process.env.OTEL_TRACES_SAMPLER?.trim() || 'always_on',
    OTEL_TRACES_SAMPLER_ARG: process.env.OTEL_TRACES_SAMPLER_ARG,
  },
  (message) => {
    throw new Error(message);
  },
);

function discardingProcessor(protocol: OtlpProtocol): SerializingSpanProcessor {
  const { encoding } = new SerializedOtlpExporter(protocol);
  const body = protocol === 'http/json' ? serializedJsonRequest : serializedProtoRequest;
  return new SerializingSpanProcessor(
    {
      encoding,
      export: (spans, done) => {
        body(spans);
        done({ code: 0 });
      },
      shutdown: async () => {},
    },
    { scheduledDelayMillis: 5000, maxExportBatchSize: 512, maxQueueSize: 2048 },
  );
}

/** Takes every span and keeps none: what recording costs before any serializing. */
const droppingProcessor = {
  onStart: (): void => {},
  onEnd: (): void => {},
  forceFlush: async (): Promise<void> => {},
  shutdown: async (): Promise<void> => {},
};

/** The stock pipeline's export: BatchSpanProcessor and the official serializer, the body discarded. */
function sdkProcessor(protocol: OtlpProtocol): SpanProcessor {
  const serializer = protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  return new BatchSpanProcessor(
    {
      export: (spans: ReadableSpan[], done: (r: { code: number }) => void) => {
        serializer.serializeRequest(spans);
        done({ code: 0 });
      },
      shutdown: async () => {},
    },
    { scheduledDelayMillis: 5000, maxExportBatchSize: 512, maxQueueSize: 2048 },
  );
}

if (config !== 'bare' && config !== 'metrics') {
  const processors: SpanProcessor[] =
    config === 'full'
      ? [discardingProcessor('http/protobuf')]
      : config === 'full-json'
        ? [discardingProcessor('http/json')]
        : config === 'sdk-full'
          ? [sdkProcessor('http/protobuf')]
          : config === 'sdk-full-json'
            ? [sdkProcessor('http/json')]
            : config === 'recorded' || config === 'sdk-recorded'
              ? [droppingProcessor]
              : [];
  const tracer = config.startsWith('sdk-') ? 'sdk' : 'lean';
  await startTracing({ context: 'explicit', spanProcessors: processors, sampler, tracer }, {});
}
const probes =
  config === 'bare'
    ? undefined
    : createProbes({
        serviceName: 'bench-micro',
        logDestination: '/dev/null',
        logLevel: 'warn',
        tracing: config === 'metrics' ? 'off' : 'lean',
        context: 'explicit',
        defaultMetrics: false,
        memoryIntervalMs: 0,
      });

// The target app's order-history route: two queries, 20 rows each.
const ORDERS =
  'SELECT o.id, o.status, o.total_cents, o.created_at FROM orders o WHERE o.user_id = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT $2';
const ITEMS =
  'SELECT oi.order_id, oi.product_id, oi.quantity, oi.unit_price_cents FROM order_items oi WHERE oi.order_id = ANY($1)';
const result = { rows: [] as unknown[], rowCount: 20 };
const rawDb = {
  kind: 'pg',
  query: (_text: string, _params?: readonly unknown[]) => Promise.resolve(result),
  close: async () => {},
};
const db = probes ? probes.instrumentDb(rawDb as never) : rawDb;
const route = { path: '/' };
const app = { router: { stack: [{ rawPath: '/api/orders', handle: { stack: [{ route }] } }] } };

class FakeRequest {
  method = 'GET';
  url = '/api/orders?limit=20';
  originalUrl = '/api/orders?limit=20';
  httpVersion = '1.1';
  headers = { host: '127.0.0.1:3000', 'user-agent': 'autocannon', authorization: 'Bearer x' };
  socket = { remoteAddress: '127.0.0.1', encrypted: false };
  app = app;
  route: unknown = undefined;
  baseUrl = '';
}
class FakeResponse extends EventEmitter {
  statusCode = 200;
  writableFinished = true;
  getHeader(name: string): string | undefined {
    return name === 'content-length' ? '5120' : undefined;
  }
}
const next = (): void => {};

async function request(): Promise<void> {
  const req = new FakeRequest();
  const res = new FakeResponse();
  probes?.middleware(req as never, res as never, next);
  const q = probes ? probes.forRequest(req as never).db(db) : db;
  await q.query(ORDERS, [1, 20]);
  await q.query(ITEMS, [[1, 2, 3]]);
  req.route = route;
  req.baseUrl = '/api/orders';
  res.emit('close');
}

for (let i = 0; i < 20_000; i++) await request(); // warm-up: optimized code, caches filled
if (probes) {
  // The route must resolve, or the figures would be for the unmatched path.
  const text = await probes.registry.getSingleMetricAsString('http_server_request_duration_seconds');
  if (!text.includes('http_route="/api/orders"'))
    throw new Error('the fake route did not resolve to /api/orders');
}

process.on('message', (m: { ms: number }) => {
  void (async () => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let requests = 0;
    while (performance.now() - t0 < m.ms) {
      if (PACED) {
        for (let i = 0; i < 5; i++) await request();
        requests += 5;
        await new Promise((resolve) => setTimeout(resolve, 5));
      } else {
        for (let i = 0; i < 100; i++) await request();
        requests += 100;
      }
    }
    const cpu = process.cpuUsage(cpu0);
    process.send!({ requests, cpuMicros: cpu.user + cpu.system });
  })();
});
process.send!({ ready: true, sampler: sampler.toString() });
