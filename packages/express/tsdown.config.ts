import { packageBuild } from '../../tsdown.base.ts';

// Three entries, each built on its own (no shared chunk; the CJS of one never requires another's):
// `@zenoti-auth/express` (zenotiAuth, zenotiErrorHandler, zenotiHealth), `/proxy` and `/sign-in`,
// skins over `@zenoti-auth/core/proxy` and `/sign-in`. Node only (Express runs there): node:
// built-ins stay imports; Express itself is never imported at run time. tsdown cleans dist once.
export default [
  packageBuild({ entry: ['src/index.ts'], platform: 'node' }),
  packageBuild({ entry: ['src/proxy.ts'], platform: 'node' }),
  packageBuild({ entry: ['src/sign-in.ts'], platform: 'node' }),
];
