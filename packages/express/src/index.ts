// `@zenoti-auth/express`: the middleware, the error handler and the health route. The browser proxy
// is `@zenoti-auth/express/proxy` and end-user sign-in `@zenoti-auth/express/sign-in`, separate
// entries so an app loads only what it imports.
export { type ZenotiErrorHandlerOptions, zenotiErrorHandler } from './error-handler.ts';
export type { ZenotiErrorListener, ZenotiErrorLog } from './error-log.ts';
export { type ZenotiHealthHandlerOptions, zenotiHealth } from './health.ts';
export type {
  PrincipalResolver,
  ZenotiAuthMiddlewareOptions,
  ZenotiAuthResolver,
  ZenotiExpressOptions,
  ZenotiReadyEngineOptions,
  ZenotiRequestContext,
} from './types.ts';
export { zenotiAuth } from './zenoti-auth.ts';
