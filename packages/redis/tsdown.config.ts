import { packageBuild } from '../../tsdown.base.ts';

/**
 * The modules of the main entry that `/rate-budget` imports at run time (the Redis connection layer
 * and the connection's option rules): there each becomes an import of `@zenoti-auth/redis` by name,
 * not a copy bundled in. Every name imported from them is exported by the main entry (see
 * `src/index.ts`); `test/package.test.ts` checks the built entry.
 */
const MAIN_MODULES = new Set(['client.ts', 'link.ts', 'options.ts']);

const fromMainEntry = {
  name: 'from-main-entry',
  resolveId(id: string, importer: string | undefined) {
    if (!importer || !id.startsWith('./')) return null;
    return MAIN_MODULES.has(id.slice(2)) ? { id: '@zenoti-auth/redis', external: true } : null;
  },
};

// Three entries, built separately so that none shares a chunk with another: `@zenoti-auth/redis`
// (the store, and the connection layer), `@zenoti-auth/redis/encryption` (the AES-GCM cipher, loaded
// only by stores that encrypt) and `@zenoti-auth/redis/rate-budget` (the fleet's shared rate budget,
// on the main entry's connection layer). tsdown cleans dist once, before all configs build. The
// plugin goes in through `inputOptions`, as in core: tsdown leaves a config's `plugins` out of the
// pass that writes the `.d.cts`.
export default [
  packageBuild({ entry: ['src/index.ts'] }),
  packageBuild({ entry: ['src/encryption.ts'] }),
  packageBuild({
    entry: ['src/rate-budget.ts'],
    inputOptions: (options) => ({ ...options, plugins: [fromMainEntry, options.plugins] }),
  }),
];
