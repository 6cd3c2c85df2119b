import type { MaybePromise, ZenotiAuth, ZenotiAuthOptions, ZenotiRequestInit } from '@zenoti-auth/core';
import type { Request } from 'express';

/** What `req.zenoti` holds: the engine, bound to the principal of this request and to its client. */
export interface ZenotiRequestContext {
  /**
   * `fetch` for Zenoti with this request's credential: paths are relative to `baseUrl`
   * (`req.zenoti.fetch('/v1/centers')`). The call ends (`ABORTED`) when the client leaves before
   * it is answered: `signal` is passed for you, together with any `signal` of `init`. Fails with
   * a `ZenotiAuthError`, which `zenotiErrorHandler()` answers.
   */
  fetch(input: string | URL | Request_, init?: ZenotiRequestInit): Promise<Response>;
  /** The `Authorization` value (`apikey …` / `bearer …`) for your own HTTP client; errors as `fetch`. */
  authorization(options?: { signal?: AbortSignal | undefined }): Promise<string>;
  /** The engine itself (cached per credential identity); its methods throw `ZenotiAuthError`. */
  readonly auth: ZenotiAuth;
  /** Whose token this request uses: the end user's principal, or `undefined` for the app's own credential. */
  readonly principal: string | undefined;
  /** Aborted when the client closes the connection before the response is complete. */
  readonly signal: AbortSignal;
}

/** The Fetch API's `Request` (Express has a `Request` of its own). */
type Request_ = globalThis.Request;

declare global {
  namespace Express {
    interface Request {
      /**
       * Zenoti for this request, set by `zenotiAuth()` from `@zenoti-auth/express` (undefined on
       * routes it does not run before).
       */
      zenoti: ZenotiRequestContext;
    }
  }
}

/** Picks the principal (an end user's session id from `login()`) of a request; `undefined` = the app's own credential. */
export type PrincipalResolver = (req: Request) => MaybePromise<string | undefined>;

/** Options the Express adapter adds to core's options. */
export interface ZenotiExpressOptions {
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
   * Told each warning of the engines this middleware uses, and of their token store and rate
   * budget: one line each, never a secret.
   * @default `console.warn` (when nothing else listens to the engine's warnings)
   */
  onWarning?: ((message: string) => void) | undefined;
}

/** Use a ready engine, e.g. one shared with other code. */
export interface ZenotiReadyEngineOptions extends ZenotiExpressOptions {
  /** The engine. */
  auth: ZenotiAuth;
}

/** Options of `zenotiAuth()`: core's options (the engine is built once, at start-up) or a ready engine. */
export type ZenotiAuthMiddlewareOptions =
  | (ZenotiAuthOptions & ZenotiExpressOptions & { auth?: never })
  | ZenotiReadyEngineOptions;

/**
 * Options per request (e.g. per tenant). Engines are cached per credential identity (at most 100),
 * so returning equal options every time builds one engine.
 */
export type ZenotiAuthResolver = (req: Request) => MaybePromise<ZenotiAuthOptions & ZenotiExpressOptions>;
