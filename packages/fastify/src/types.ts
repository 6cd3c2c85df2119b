import type { MaybePromise, ZenotiAuth, ZenotiAuthOptions, ZenotiRequestInit } from '@zenoti-auth/core';
import type { FastifyRequest } from 'fastify';

/** What `request.zenoti` holds: the engine, bound to the principal of this request and to its client. */
export interface ZenotiRequestContext {
  /**
   * `fetch` for Zenoti with this request's credential: paths are relative to `baseUrl`
   * (`request.zenoti.fetch('/v1/centers')`). The call ends (`ABORTED`) when the client leaves
   * before it is answered: `signal` is passed for you, together with any `signal` of `init`.
   * Fails with a `ZenotiAuthError`, which `zenotiErrorHandler()` answers.
   */
  fetch(input: string | URL | Request, init?: ZenotiRequestInit): Promise<Response>;
  /** The `Authorization` value (`apikey …` / `bearer …`) for your own HTTP client; errors as `fetch`. */
  authorization(options?: { signal?: AbortSignal | undefined }): Promise<string>;
  /** The engine itself (cached per credential identity); its methods throw `ZenotiAuthError`. */
  readonly auth: ZenotiAuth;
  /** Whose token this request uses: the end user's principal, or `undefined` for the app's own credential. */
  readonly principal: string | undefined;
  /** Aborted when the client closes the connection before the response is complete. */
  readonly signal: AbortSignal;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Zenoti for this request, set by `app.register(zenotiAuth, …)` from `@zenoti-auth/fastify`
     * in the context it is registered in and the contexts inside it (`null` elsewhere).
     */
    zenoti: ZenotiRequestContext;
  }
}

/** Picks the principal (an end user's session id from `login()`) of a request; `undefined` = the app's own credential. */
export type PrincipalResolver = (request: FastifyRequest) => MaybePromise<string | undefined>;

/** Options the Fastify adapter adds to core's options. */
export interface ZenotiFastifyOptions {
  /**
   * Whose token each request uses, e.g. `zenotiSignIn(…).principal` (the signed session cookie).
   * @default every request uses the app's own credential (API key or service user)
   */
  principal?: PrincipalResolver | undefined;
  /**
   * What a request gets when `principal` resolves to nothing (no session cookie, a tampered one):
   * `'refuse'` fails its Zenoti calls with `LOGIN_REQUIRED` (401); `'service-user'` sends them
   * with the app's own credential — only for routes where an anonymous visitor may act as the app.
   * @default 'refuse'
   */
  principalFallback?: 'refuse' | 'service-user' | undefined;
  /**
   * Told each warning of the engines this plugin uses, and of their token store and rate budget:
   * one line each, never a secret (e.g. `app.log.warn.bind(app.log)`).
   * @default `console.warn` (when nothing else listens to the engine's warnings)
   */
  onWarning?: ((message: string) => void) | undefined;
}

/** Use a ready engine, e.g. one shared with other code. */
export interface ZenotiReadyEngineOptions extends ZenotiFastifyOptions {
  /** The engine. */
  auth: ZenotiAuth;
  resolve?: never;
}

/**
 * Options per request (e.g. per tenant). Engines are cached per credential identity (at most 100),
 * so returning equal options every time builds one engine.
 */
export type ZenotiAuthResolver = (
  request: FastifyRequest,
) => MaybePromise<ZenotiAuthOptions & ZenotiFastifyOptions>;

/**
 * Read the options per request. A field, not a function in place of the options: Fastify itself
 * calls a function given as a plugin's options, once, with the instance.
 */
export interface ZenotiResolverOptions {
  /** Returns the options of a request: core's and the adapter's. */
  resolve: ZenotiAuthResolver;
}

/**
 * Options of `app.register(zenotiAuth, options)`: core's options (the engine is built when the
 * plugin loads), a ready engine, or a resolver of options per request.
 */
export type ZenotiAuthPluginOptions =
  | (ZenotiAuthOptions & ZenotiFastifyOptions & { auth?: never; resolve?: never })
  | ZenotiReadyEngineOptions
  | ZenotiResolverOptions;
