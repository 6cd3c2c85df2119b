import { packageBuild } from '../../tsdown.base.ts';

// Two entries, each built on its own (no shared chunks): `@zenoti-auth/core` and
// `@zenoti-auth/core/http` (the error contract of server adapters; it imports nothing at run time).
export default [packageBuild({ entry: ['src/index.ts'] }), packageBuild({ entry: ['src/http.ts'] })];
