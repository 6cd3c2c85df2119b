import { defineConfig } from 'vitest/config';

// Runs every package's and app's tests in one process tree: `pnpm vitest run`.
// Each project keeps its own vitest.config.ts (or the defaults) so `pnpm --filter X test` works too.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/redis/vitest.fleet.config.ts',
      'apps/*/vitest.config.ts',
      'tools/*/vitest.config.ts',
    ],
  },
});
