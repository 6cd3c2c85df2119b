import { defineProject } from 'vitest/config';

// One TypeScript program for every README block (~15 s on a loaded 2-core machine), then the runnable
// blocks one after the other: generous limits. Needs the packages built (the root `pnpm test` does).
export default defineProject({
  test: {
    name: 'readme-examples',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
