import { defineProject } from 'vitest/config';

// The whole sweep is bounded: every scenario has its own time limit, the suite stays under 90 s.
export default defineProject({
  test: {
    name: 'fault-sweep',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 10_000,
  },
});
