import { packageBuild } from '../../tsdown.base.ts';

// Two builds: `@zenoti-auth/cli` (the programmatic API, ESM and CommonJS with types) and the
// command itself, `dist/cli.mjs`, which `bin/zenoti-auth.mjs` imports (ESM only: nothing requires it).
// tsdown cleans dist once, before both build.
export default [
  packageBuild({ entry: ['src/index.ts'], platform: 'node' }),
  packageBuild({ entry: ['src/cli.ts'], platform: 'node', format: ['esm'], dts: false }),
];
