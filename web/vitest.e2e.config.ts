import { defineConfig } from 'vitest/config';

// End-to-end: each file starts its own `riziki demo` and Debian's chromium (e2e/harness.ts).
// Files run one at a time: the machine has two cores and each file holds a PostgreSQL.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
