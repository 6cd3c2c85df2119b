// `@zenoti-auth/hono`: the middleware and the error mapping. The browser proxy is
// `@zenoti-auth/hono/proxy` and end-user sign-in `@zenoti-auth/hono/sign-in`, separate entries so
// an app bundles only what it imports.
export { toHTTPException } from './errors.ts';
export { type ZenotiHealthHandlerOptions, zenotiHealth } from './health.ts';
export {
  isZenotiHTTPException,
  type ZenotiHonoErrorCode,
  type ZenotiHTTPException,
} from './http-error.ts';
export type {
  MaybePromise,
  PrincipalResolver,
  ZenotiAuthEnv,
  ZenotiAuthMiddlewareOptions,
  ZenotiAuthResolver,
  ZenotiAuthVariables,
  ZenotiContext,
  ZenotiErrorLog,
  ZenotiHonoOptions,
  ZenotiReadyEngineOptions,
} from './types.ts';
export { zenotiAuth } from './zenoti-auth.ts';
