import { defineProject } from 'vitest/config';

/** Multi-process fleet tests: run on their own (vitest.fleet.config.ts), after everything else. */
export const FLEET_TESTS = [
  'test/fleet.test.ts',
  'test/holder-killed.test.ts',
  'test/redis-outage.test.ts',
  'test/stale-password.test.ts',
  'test/rate-fleet.test.ts',
  'test/rate-budget-outage.test.ts',
  'test/faults-*.test.ts',
];

export default defineProject({
  test: {
    name: 'redis',
    include: ['test/**/*.test.ts'],
    exclude: FLEET_TESTS,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
