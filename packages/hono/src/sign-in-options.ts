import type { ZenotiSignInOptions as NeutralSignInOptions, ZenotiSession } from '@zenoti-auth/core/sign-in';
import type { Context, Env, MiddlewareHandler } from 'hono';
import type { MaybePromise, ZenotiAuthEnv } from './types.ts';

/**
 * Options of `zenotiSignIn()`: those of `@zenoti-auth/core/sign-in`, whose rules it applies. The
 * hooks (`subject`, `clientAddress`) receive Hono's context; `clientAddress` is by default the
 * socket's address on Node (`@hono/node-server`) and `CF-Connecting-IP` on Cloudflare Workers,
 * never `X-Forwarded-For`. A sign-in refused in a wrong password's words for another reason is
 * told to `zenotiAuth({ onError })`.
 */
export type ZenotiSignInOptions<E extends Env = Env> = NeutralSignInOptions<Context<E & ZenotiAuthEnv>>;

/**
 * Options per request, e.g. the cookie's secret from `c.env` on Workers, where secrets exist only
 * there. Checked once per options object (or per distinct settings), not per request; the budget
 * of failed sign-ins stays the `zenotiSignIn()`'s, so `limit` must be the same every time.
 */
export type ZenotiSignInResolver<E extends Env = Env> = (
  c: Context<E>,
) => MaybePromise<ZenotiSignInOptions<E>>;

/** Handlers and readers for end-user sign-in; mount `zenotiAuth()` (with the end users' Zenoti app) before the handlers. */
export interface ZenotiSignIn<E extends Env = Env> {
  /** POST handler: form or JSON `username` + `password` → `login()`, then sets the session cookie. */
  login: MiddlewareHandler<E & ZenotiAuthEnv>;
  /** POST handler: `logout()` (revokes the tokens at Zenoti), then deletes the session cookie. */
  logout: MiddlewareHandler<E & ZenotiAuthEnv>;
  /** For `zenotiAuth({ principal })`: the principal of a validly signed cookie, else `undefined`. */
  principal: (c: Context) => Promise<string | undefined>;
  /** The session of a validly signed cookie, else `undefined`. */
  session: (c: Context) => Promise<ZenotiSession | undefined>;
}
