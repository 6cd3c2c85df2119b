import { packageBuild } from '../../tsdown.base.ts';

/**
 * Modules of other entries that an entry imports at run time, and the entry each belongs to (by
 * path under `src/`): in the entry that imports it, each becomes an import of that entry by name
 * (the package refers to itself through its `exports`), not a copy bundled in. So there is one
 * `ZenotiAuthError` class, one set of option checks, one error table. Every name imported from a
 * main-entry module must be exported by the main entry: `test/package.test.ts` checks each built entry.
 */
const OWNED_ELSEWHERE: Record<string, string> = {
  'errors.ts': '@zenoti-auth/core',
  'options.ts': '@zenoti-auth/core',
  'rate-budget.ts': '@zenoti-auth/core',
  'validate.ts': '@zenoti-auth/core',
  'zenoti-auth.ts': '@zenoti-auth/core',
  'sessions.ts': '@zenoti-auth/core',
  'types.ts': '@zenoti-auth/core',
  'encryption.ts': '@zenoti-auth/core/encryption',
  'http.ts': '@zenoti-auth/core/http',
};

const fromOwnEntries = {
  name: 'from-own-entries',
  resolveId(id: string, importer: string | undefined) {
    if (!importer || !id.startsWith('.')) return null;
    const path = new URL(id, `file://${importer}`).pathname;
    const entry = OWNED_ELSEWHERE[path.slice(path.lastIndexOf('/src/') + 5)];
    return entry ? { id: entry, external: true } : null;
  },
};

/**
 * An entry other than the main one, built on its own (no shared chunks): `dist/<name>.mjs`, `.cjs`.
 * The plugin goes in through `inputOptions`, not `plugins`: tsdown leaves a config's `plugins` out of
 * the pass that writes the `.d.cts`, which would then hold copies of the main entry's types.
 */
const entry = (name: string, file: string) =>
  packageBuild({
    entry: { [name]: file },
    inputOptions: (options) => ({ ...options, plugins: [fromOwnEntries, options.plugins] }),
  });

// Each entry is built on its own: `@zenoti-auth/core` (the engine); `/http` (the error contract of
// server adapters; it imports nothing at run time); `/encryption` (the AES-GCM cipher of shared
// stores, loaded only by those that encrypt); `/env` (engine options from environment variables);
// `/health` (an engine's health); `/rate-budget` (budgets and the fair queue of their permits);
// `/shared-store` (the option table and stored token sets of the stores and budgets of a fleet);
// `/proxy` and `/sign-in` (the framework-neutral browser proxy and end-user sign-in, which the
// framework adapters wrap).
export default [
  packageBuild({ entry: ['src/index.ts'] }),
  packageBuild({ entry: ['src/http.ts'] }),
  entry('encryption', 'src/encryption.ts'),
  entry('env', 'src/env.ts'),
  entry('health', 'src/health/index.ts'),
  entry('rate-budget', 'src/rate-budget/index.ts'),
  entry('shared-store', 'src/shared-store/index.ts'),
  entry('proxy', 'src/proxy/index.ts'),
  entry('sign-in', 'src/sign-in/index.ts'),
];
