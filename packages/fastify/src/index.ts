// `@zenoti-auth/fastify`: the request decorator, the error handler and the health route. The browser
// proxy is `@zenoti-auth/fastify/proxy` and end-user sign-in `@zenoti-auth/fastify/sign-in`,
// separate entries so an app loads only what it imports.
export {
  type ZenotiErrorHandlerOptions,
  type ZenotiErrorLog,
  type ZenotiFastifyErrorHandler,
  zenotiErrorHandler,
} from './error-handler.ts';
export { type ZenotiHealthPluginOptions, zenotiHealth } from './health.ts';
export type {
  PrincipalResolver,
  ZenotiAuthPluginOptions,
  ZenotiAuthResolver,
  ZenotiFastifyOptions,
  ZenotiReadyEngineOptions,
  ZenotiRequestContext,
  ZenotiResolverOptions,
} from './types.ts';
export { zenotiAuth } from './zenoti-auth.ts';
