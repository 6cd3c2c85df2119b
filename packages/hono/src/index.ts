export { toHTTPException } from './errors.ts';
export { type ZenotiProxyOptions, zenotiProxy } from './proxy.ts';
export {
  type ZenotiSession,
  type ZenotiSessionCookieOptions,
  type ZenotiSignIn,
  type ZenotiSignInOptions,
  zenotiSignIn,
} from './sign-in.ts';
export type {
  MaybePromise,
  PrincipalResolver,
  ZenotiAuthEnv,
  ZenotiAuthMiddlewareOptions,
  ZenotiAuthResolver,
  ZenotiAuthVariables,
  ZenotiContext,
  ZenotiHonoOptions,
  ZenotiReadyEngineOptions,
} from './types.ts';
export { zenotiAuth } from './zenoti-auth.ts';
