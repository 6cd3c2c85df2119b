import { defineProject } from 'vitest/config';

/**
 * Most tests start one workerd (several worker isolates and the Durable Object) against a mock
 * Zenoti: one file at a time, so that two fleets never share the two cores.
 */
export default defineProject({
  test: {
    name: 'cloudflare',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fileParallelism: false,
  },
});
