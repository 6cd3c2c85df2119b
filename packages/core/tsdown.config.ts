import { packageBuild } from '../../tsdown.base.ts';

/**
 * Keeps one `ZenotiAuthError` class across entries: in `@zenoti-auth/core/encryption`, the import
 * of `./errors.ts` becomes an import of the main entry, `@zenoti-auth/core` (the package refers to
 * itself by name, through its `exports`), instead of a copy of the class bundled into the entry.
 */
const errorsFromMainEntry = {
  name: 'errors-from-main-entry',
  resolveId(id: string, importer: string | undefined) {
    if (id === './errors.ts' && importer?.endsWith('encryption.ts'))
      return { id: '@zenoti-auth/core', external: true };
    return null;
  },
};

// Three entries, each built on its own (no shared chunks): `@zenoti-auth/core`,
// `@zenoti-auth/core/http` (the error contract of server adapters; it imports nothing at run time)
// and `@zenoti-auth/core/encryption` (the AES-GCM cipher of shared stores, loaded only by those that
// encrypt).
export default [
  packageBuild({ entry: ['src/index.ts'] }),
  packageBuild({ entry: ['src/http.ts'] }),
  packageBuild({ entry: ['src/encryption.ts'], plugins: [errorsFromMainEntry] }),
];
