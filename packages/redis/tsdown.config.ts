import { packageBuild } from '../../tsdown.base.ts';

// Two entries, built separately so that neither shares a chunk with the other:
// `@zenoti-auth/redis` (the store) and `@zenoti-auth/redis/encryption` (the AES-GCM cipher, loaded
// only by stores that encrypt). tsdown cleans dist once, before all configs build.
export default [packageBuild({ entry: ['src/index.ts'] }), packageBuild({ entry: ['src/encryption.ts'] })];
