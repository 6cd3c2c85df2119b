import { packageBuild } from '../../tsdown.base.ts';

// Two entries, built separately so neither shares a chunk with the other:
// `@zenoti-auth/nestjs` needs only @nestjs/common, @nestjs/core and core; `@zenoti-auth/nestjs/http`
// (ZenotiHttpModule) needs the optional peers @nestjs/axios, axios and @zenoti-auth/axios.
// (One build with both entries puts rolldown's CJS runtime in http.cjs and makes index.cjs require it.)
// tsdown cleans dist once, before all configs build.
export default [
  packageBuild({ platform: 'node', entry: ['src/index.ts'] }),
  packageBuild({ platform: 'node', entry: ['src/http.ts'] }),
];
