import { defineProject } from 'vitest/config';

// The tests run the built command (bin/zenoti-auth.mjs) as a child process: global-setup.ts builds
// the package first when dist is missing or older than its sources.
export default defineProject({
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
