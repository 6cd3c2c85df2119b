import { packageBuild } from '../../tsdown.base.ts';

// Three entries, built separately so that none shares a chunk with another: `@zenoti-auth/redis`
// (the store), `@zenoti-auth/redis/encryption` (the AES-GCM cipher, loaded only by stores that
// encrypt) and `@zenoti-auth/redis/rate-budget` (the fleet's shared rate budget). tsdown cleans dist
// once, before all configs build.
export default [
  packageBuild({ entry: ['src/index.ts'] }),
  packageBuild({ entry: ['src/encryption.ts'] }),
  packageBuild({ entry: ['src/rate-budget.ts'] }),
];
