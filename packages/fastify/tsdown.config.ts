import { packageBuild } from '../../tsdown.base.ts';

// Three entries, each built on its own so none shares a chunk with another: `@zenoti-auth/fastify`
// (zenotiAuth, zenotiErrorHandler, zenotiHealth), `@zenoti-auth/fastify/proxy` (zenotiProxy) and
// `@zenoti-auth/fastify/sign-in` (zenotiSignIn). The few helpers they share are small and bundled per
// entry. Node only (Fastify runs there): node: built-ins stay imports, Fastify is never imported at run time.
export default [
  packageBuild({ entry: ['src/index.ts'], platform: 'node' }),
  packageBuild({ entry: ['src/proxy.ts'], platform: 'node' }),
  packageBuild({ entry: ['src/sign-in.ts'], platform: 'node' }),
];
