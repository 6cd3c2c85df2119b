import { defineConfig, type UserConfig } from 'tsdown';

/**
 * The one build convention for every published @zenoti-auth package:
 * dual ESM + CJS (`.mjs`/`.cjs`) with `.d.mts`/`.d.cts`, frameworks and
 * dependencies left external, no bundled runtime helpers of our own.
 *
 * A package's `tsdown.config.ts` is a single call: `packageBuild()` or
 * `packageBuild({ entry: [...], platform: 'node' })`.
 */
export function packageBuild(overrides: Partial<UserConfig> = {}): UserConfig {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    fixedExtension: true,
    platform: 'neutral',
    target: 'es2022',
    clean: true,
    sourcemap: false,
    treeshake: true,
    // Rolldown's PLUGIN_TIMINGS note (most of a small build is the .d.ts plugin) is noise in every
    // build log, not a problem to act on. scripts/quiet-install.mjs fails CI if it comes back.
    checks: { pluginTimings: false },
    ...overrides,
  }) as UserConfig;
}
