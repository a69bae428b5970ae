import { defineConfig } from 'vitest/config';

// The API suite runs twice: once on whatever real PostgreSQL the helper finds
// (DATABASE_URL, then testcontainers), once forced onto embedded PGlite, so
// neither storage path can rot. Everything else runs once.
const apiTests = ['test/target-app/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...apiTests, 'node_modules/**'] },
      },
      {
        extends: true,
        test: { name: 'api-postgres', include: apiTests, env: { PERFLAB_TEST_DB: 'auto' } },
      },
      {
        extends: true,
        test: { name: 'api-embedded', include: apiTests, env: { PERFLAB_TEST_DB: 'pglite' } },
      },
    ],
  },
});
