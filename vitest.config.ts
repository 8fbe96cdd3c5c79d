import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tools/**/*.test.ts', 'evals/**/*.test.ts', 'test/**/*.test.ts'],
    // The PostgreSQL the store tests run against: IC_TEST_POSTGRES_URL, or a throwaway cluster.
    globalSetup: ['test/support/postgres-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
