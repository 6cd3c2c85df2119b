import { packageBuild } from '../../tsdown.base.ts';

// Three entries, each built on its own so none shares a chunk with another (no hashed chunk files,
// and the CJS of one never requires another's): `@zenoti-auth/hono` (zenotiAuth, toHTTPException),
// `@zenoti-auth/hono/proxy` (zenotiProxy) and `@zenoti-auth/hono/sign-in` (zenotiSignIn). The few
// helpers they share (errors.ts, http-error.ts) are small and tree-shaken per entry. tsdown cleans dist once,
// before all configs build.
export default [
  packageBuild({ entry: ['src/index.ts'] }),
  packageBuild({ entry: ['src/proxy.ts'] }),
  packageBuild({ entry: ['src/sign-in.ts'] }),
];
