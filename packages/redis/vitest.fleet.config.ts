import { defineProject } from 'vitest/config';
import { FLEET_TESTS } from './vitest.config.ts';

/**
 * The fleet tests start up to eight processes each and depend on request latency staying below a
 * token's life: they run alone (`pnpm test` runs them after the rest), one file at a time.
 */
export default defineProject({
  test: {
    name: 'redis-fleet',
    include: FLEET_TESTS,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    globalSetup: ['test/global-setup.ts'],
  },
});
