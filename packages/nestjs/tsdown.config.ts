import { packageBuild } from '../../tsdown.base.ts';

// Four entries, built separately so none shares a chunk with another:
// `@zenoti-auth/nestjs` (the module) needs only @nestjs/common and core; `@zenoti-auth/nestjs/errors`
// (ZenotiAuthException and its filter, for HTTP apps) adds @nestjs/core; `@zenoti-auth/nestjs/http`
// (ZenotiHttpModule) needs the optional peers @nestjs/axios, axios and @zenoti-auth/axios;
// `@zenoti-auth/nestjs/health` (ZenotiHealthIndicator) the optional peer @nestjs/terminus.
// (One build with several entries puts rolldown's CJS runtime in one of them and makes the others require it.)
// tsdown cleans dist once, before all configs build.
export default [
  packageBuild({ platform: 'node', entry: ['src/index.ts'] }),
  packageBuild({ platform: 'node', entry: ['src/errors.ts'] }),
  packageBuild({ platform: 'node', entry: ['src/http.ts'] }),
  packageBuild({ platform: 'node', entry: ['src/health.ts'] }),
];
