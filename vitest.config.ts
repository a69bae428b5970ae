import { defineConfig } from 'vitest/config';

// The API suite runs twice: once on whatever real PostgreSQL the helper finds
// (DATABASE_URL, then testcontainers), once forced onto embedded PGlite, so
// neither storage path can rot. Everything else runs once.
const apiTests = ['test/target-app/**/*.test.ts'];
// The process entry points pick their database from the environment themselves.
const entryPointTests = ['test/target-app/main.test.ts', 'test/target-app/bin/**/*.test.ts'];
// Several service processes sharing one PostgreSQL and one NATS server: real services only.
const realServiceTests = ['test/target-app/services/faults/{trace,nats-restart,inventory-crash}.test.ts'];
// Stops and restarts the machine's one NATS server: nothing else may be using it meanwhile.
const aloneTests = ['test/target-app/services/faults/nats-restart.test.ts'];
// The tracing suites run a second time on the stock span pipeline
// (PERFLAB_TRACER=sdk: the SDK's tracer, BatchSpanProcessor, the official
// OTLP exporters), the correctness baseline of the lean one.
const tracingSuites = [
  'test/probes/tracing/start-tracing.test.ts',
  'test/probes/tracing/tracing-explicit.test.ts',
  'test/probes/tracing/semconv.test.ts',
  'test/probes/tracing/span-limits.test.ts',
  'test/probes/tracing/service-resource.test.ts',
  'test/probes/target-app.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', ...entryPointTests],
          exclude: [
            'node_modules/**',
            'test/target-app/!(main.test.ts|bin)/**',
            'test/target-app/!(main).test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'probes-sdk',
          include: tracingSuites,
          env: { PERFLAB_TRACER: 'sdk' },
        },
      },
      {
        extends: true,
        test: {
          name: 'api-postgres',
          include: apiTests,
          exclude: ['node_modules/**', ...entryPointTests, ...aloneTests],
          env: { PERFLAB_TEST_DB: 'auto' },
        },
      },
      {
        extends: true,
        test: {
          name: 'api-embedded',
          include: apiTests,
          exclude: ['node_modules/**', ...entryPointTests, ...realServiceTests],
          env: { PERFLAB_TEST_DB: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          // A higher groupOrder starts only once every project of a lower one has finished.
          name: 'alone',
          include: aloneTests,
          env: { PERFLAB_TEST_DB: 'auto' },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
