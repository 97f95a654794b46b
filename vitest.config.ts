import { defineConfig } from 'vitest/config';

/**
 * Three groups, run by `npm test` in two passes:
 *   unit + integration (parallel, loopback only), then
 *   root: network namespaces and QEMU firmware, one file at a time, since they share the
 *   2-core machine with emulated PCs and must not time each other out.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'root',
          include: ['test/netns/**/*.test.ts', 'test/pxe/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
