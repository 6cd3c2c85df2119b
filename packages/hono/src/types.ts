import type { ZenotiAuth, ZenotiAuthOptions, ZenotiRequestInit } from '@zenoti-auth/core';
import type { Context, Env } from 'hono';
import type { ZenotiHTTPException } from './http-error.ts';

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** What `c.var.zenoti` holds: the engine, bound to the principal of this request. */
export interface ZenotiContext {
  /**
   * `fetch` for Zenoti with this request's credential: paths are relative to `baseUrl`
   * (`c.var.zenoti.fetch('/v1/centers')`). A `ZenotiAuthError` is thrown as an `HTTPException`
   * (see `toHTTPException`) whose `cause` is the original error. With a rate budget
   * (`rateLimit.budget`) each call waits for its permit first: pass `signal: c.req.raw.signal` so
   * that a client who leaves ends its own wait.
   */
  fetch(input: string | URL | Request, init?: ZenotiRequestInit): Promise<Response>;
  /** The `Authorization` value (`apikey …` / `bearer …`) for your own HTTP client; errors as `fetch`. */
  authorization(options?: { signal?: AbortSignal }): Promise<string>;
  /** The engine itself (cached per credential identity); its methods throw `ZenotiAuthError`. */
  readonly auth: ZenotiAuth;
  /** Whose token this request uses: the end user's principal, or `undefined` for the app's own credential. */
  readonly principal: string | undefined;
}

/** The variables `zenotiAuth()` sets. */
export interface ZenotiAuthVariables {
  zenoti: ZenotiContext;
}

/**
 * Hono `Env` with a typed `c.var.zenoti`: `new Hono<ZenotiAuthEnv>()`, or merged with your own
 * bindings: `new Hono<ZenotiAuthEnv & { Bindings: MyBindings }>()`.
 */
export interface ZenotiAuthEnv {
  Variables: ZenotiAuthVariables;
}

/** Picks the principal (an end user's session id from `login()`) of a request; `undefined` = the app's own credential. */
export type PrincipalResolver<E extends Env = Env> = (c: Context<E>) => MaybePromise<string | undefined>;

/**
 * What `onError` is told of a 5xx the adapter answered, or of a sign-in refused in a wrong password's
 * words (401): nothing in it is a key, password, secret or token.
 */
export interface ZenotiErrorLog {
  /** The status answered (500, 502, 503, 504; 401 for a refused sign-in). */
  status: number;
  /** The code answered: core's (`NETWORK`, `TOKEN_ENDPOINT` …) or the adapter's own (`UPSTREAM` …). */
  code: ZenotiHTTPException['code'];
  /** For `INVALID_OPTIONS`: the option at fault, e.g. `"apiKey"` (its name, never its value). */
  field: string | undefined;
  /** What went wrong, in more detail than the answer: the `ZenotiAuthError`'s message, else the answer's. */
  message: string;
  /** The exception answered; its `cause` is the `ZenotiAuthError`, if any. */
  error: ZenotiHTTPException;
}

/** Options the Hono adapter adds to core's options. */
export interface ZenotiHonoOptions<E extends Env = Env> {
  /**
   * Whose token each request uses, e.g. `zenotiSignIn(…).principal` (the signed session cookie).
   * @default every request uses the app's own credential (API key or service user)
   */
  principal?: PrincipalResolver<E> | undefined;
  /**
   * What a request gets when `principal` resolves to nothing (no session cookie, a tampered one):
   * `'refuse'` answers its Zenoti calls with 401 `LOGIN_REQUIRED`; `'service-user'` sends them
   * with the app's own credential (the service `user` or API key) — only for routes where an
   * anonymous visitor may act as the app. Without `principal`, every request uses the app's own
   * credential and this option changes nothing.
   * @default 'refuse'
   */
  principalFallback?: 'refuse' | 'service-user' | undefined;
  /**
   * Told once of every 5xx the adapter answers — from `c.var.zenoti`, `zenotiProxy()` or
   * `zenotiSignIn()` on routes behind this middleware — whose body says only a fixed message. Hono
   * answers these without a word in the log; this is where the server learns why. A 4xx (a missing
   * sign-in, a wrong password, a refused path) is the client's, and not told; except a sign-in
   * `zenotiSignIn()` answers as a wrong password though it was refused for another reason (Zenoti's
   * login policy, the service user's username): then `message` holds that reason.
   * @default one line on `console.error`: `[@zenoti-auth/hono] GET /centers answered 503 NETWORK: …` (none for `ABORTED`: the client went away)
   */
  onError?: ((entry: ZenotiErrorLog, c: Context<E>) => void) | undefined;
  /**
   * Told each warning of the engines this middleware uses, and of their token store and rate budget
   * (a Redis that fails and answers again, tokens stored in plain text, a token not renewed): one
   * line each, never a secret. The same print function Hono's `logger()` takes fits here. Given,
   * nothing goes to the console; a store's warnings come once, however many engines share it
   * (unless the store has an `onWarning` of its own, which then gets them).
   * @default `console.warn` (when nothing else listens to the engine's warnings)
   */
  onWarning?: ((message: string) => void) | undefined;
}

/** Use a ready engine, e.g. one shared with other code. */
export interface ZenotiReadyEngineOptions<E extends Env = Env> extends ZenotiHonoOptions<E> {
  /** The engine. On Cloudflare Workers core already defaults it to `shareInFlight: false`. */
  auth: ZenotiAuth;
}

/** Options of `zenotiAuth()`: core's options (the engine is built once, at start-up) or a ready engine. */
export type ZenotiAuthMiddlewareOptions<E extends Env = Env> =
  | (ZenotiAuthOptions & ZenotiHonoOptions<E> & { auth?: never })
  | ZenotiReadyEngineOptions<E>;

/**
 * Options per request, e.g. from `c.env` on Workers. Engines are cached per credential identity
 * (at most 100), so returning equal options every time builds one engine.
 */
export type ZenotiAuthResolver<E extends Env = Env> = (
  c: Context<E>,
) => MaybePromise<ZenotiAuthOptions & ZenotiHonoOptions<E>>;
