import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'redis',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The fleet tests start 8 processes each and measure timing: one file at a time on a small machine.
    fileParallelism: false,
    globalSetup: ['test/global-setup.ts'],
  },
});
