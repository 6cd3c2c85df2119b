import {
  createZenotiSignIn,
  errorAnswerOf,
  type ZenotiSignInOptions as NeutralSignInOptions,
  type ZenotiSignInContext,
} from '@zenoti-auth/core/sign-in';
import type { Context, Env } from 'hono';
import { answered } from './answer.ts';
import { defaultClientAddress } from './client-address.ts';
import { zenotiOf } from './http-error.ts';
import type { ZenotiSignIn, ZenotiSignInOptions, ZenotiSignInResolver } from './sign-in-options.ts';

export type {
  ZenotiSession,
  ZenotiSessionCookieOptions,
  ZenotiSignInLimit,
} from '@zenoti-auth/core/sign-in';
export type { ZenotiSignIn, ZenotiSignInOptions, ZenotiSignInResolver } from './sign-in-options.ts';

// The answers go out through `c.newResponse()`, as `c.json()` did: with the headers that middleware
// before the handler set with `c.header()` (a request id, say).

/** What the neutral sign-in is told of a Hono request. */
function signInContext(c: Context, who: string): ZenotiSignInContext<Context> {
  return {
    from: c,
    // Read once the post is known to be same-origin: a missing zenotiAuth() is a programming error.
    get auth() {
      return zenotiOf(c, who).auth;
    },
    get address() {
      return defaultClientAddress(c);
    },
    // Hono's reading of the body, which keeps it for a handler after a middleware that read it.
    readFields: () => (/json/i.test(c.req.header('content-type') ?? '') ? c.req.json() : c.req.parseBody()),
  };
}

/**
 * End-user sign-in for guest or therapist apps: `login` runs `login()` from a form post and keeps
 * only the opaque principal id in an httpOnly, signed, `SameSite` cookie; `principal` reads it for
 * `zenotiAuth({ principal })`; `logout` revokes and deletes the cookie. Both POST handlers accept
 * only same-origin posts (`Sec-Fetch-Site: same-origin`, or an `Origin` equal to the app's own or
 * listed in `origins`), else 403. Failed sign-ins are limited per username and per client address
 * (see `limit`): over the budget, `login` answers 429 with `Retry-After` before calling Zenoti, until
 * `windowSeconds` after the key's last failure. A sign-in Zenoti's login policy blocks, and one with
 * the engine's own service username, are answered exactly as a wrong password, and the real reason
 * is logged (see `revealBlockedLogin`, `allowServiceUser`). Configuration mistakes throw
 * `INVALID_OPTIONS` at once. A resolver `(c) => options` reads them per request instead, e.g. the
 * cookie's secret from `c.env` on Workers (checked once per options object or distinct settings;
 * a mistake is answered 500 `INVALID_OPTIONS`); the budget of failed sign-ins stays this one's.
 * The rules are `@zenoti-auth/core/sign-in`'s; its error answers are thrown as `ZenotiHTTPException`s.
 *
 * @example
 * ```ts
 * import { zenotiSignIn } from '@zenoti-auth/hono/sign-in'
 *
 * const signIn = zenotiSignIn({ cookie: { secret: process.env.SESSION_SECRET! } })
 * const guests = zenotiAuth({ app: { accountName, appId, appSecret }, principal: signIn.principal })
 * app.post('/auth/login', guests, signIn.login)
 * app.post('/auth/logout', guests, signIn.logout)
 * app.get('/me', guests, async (c) => c.json(await (await c.var.zenoti.fetch(`/v1/guests/${id}`)).json()))
 *
 * // Cloudflare Workers: the secret from c.env
 * const workerSignIn = zenotiSignIn<AppEnv>((c) => ({ cookie: { secret: c.env.SESSION_SECRET } }))
 * ```
 */
export function zenotiSignIn<E extends Env = Env>(
  options: ZenotiSignInOptions<E> | ZenotiSignInResolver<E>,
): ZenotiSignIn<E> {
  const signIn = createZenotiSignIn<Context>(
    options as NeutralSignInOptions<Context> | ((c: Context) => NeutralSignInOptions<Context>),
    { package: 'hono', name: 'zenotiSignIn()' },
  );
  return {
    session: (c) => signIn.session(c.req.header('cookie'), c),
    principal: (c) => signIn.principal(c.req.header('cookie'), c),
    login: async function login(c) {
      const response = await signIn.login(c.req.raw, signInContext(c, 'zenotiSignIn().login'));
      return c.newResponse(answered(response, errorAnswerOf(response)).body, response);
    },
    logout: async function logout(c) {
      const response = await signIn.logout(c.req.raw, signInContext(c, 'zenotiSignIn().logout'));
      return c.newResponse(answered(response, errorAnswerOf(response)).body, response);
    },
  };
}
