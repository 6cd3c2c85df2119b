import { defineProject } from 'vitest/config';

// Packs, npm-installs and compiles real consumer projects: slow by nature (about a minute), so the
// time limits are generous. Run the package builds first (the root `pnpm test` does).
export default defineProject({
  test: {
    name: 'consumers',
    include: ['test/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
