import { invalidOption, type LoginResult } from '@zenoti-auth/core';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { deleteCookie, generateCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { defined } from './defined.ts';
import { rethrow } from './errors.ts';
import { httpError, zenotiOf } from './http-error.ts';
import { defaultClientAddress, signInLimiter, type ZenotiSignInLimit } from './sign-in-limit.ts';
import type { MaybePromise, ZenotiAuthEnv } from './types.ts';

export type { ZenotiSignInLimit } from './sign-in-limit.ts';

/** The session cookie. It holds only the opaque principal id (and your `subject`), signed with HMAC-SHA-256. */
export interface ZenotiSessionCookieOptions {
  /** **Required.** The signing key: at least 32 characters (or bytes). Keep it secret; rotate it to end every session. */
  secret: string | ArrayBuffer | ArrayBufferView<ArrayBuffer>;
  /** @default 'zenoti_session' */
  name?: string | undefined;
  /** `'None'` is not offered: it would send the session along with cross-site requests. @default 'Lax' */
  sameSite?: 'Strict' | 'Lax' | undefined;
  /** Send only over https. Turn off only for plain http on localhost. @default true */
  secure?: boolean | undefined;
  /** Lifetime in seconds, at most 400 days. @default none: a browser-session cookie */
  maxAge?: number | undefined;
  /** @default '/' */
  path?: string | undefined;
  /** @default none: this host only */
  domain?: string | undefined;
  /** `'host'` names the cookie `__Host-…` (needs `secure`, path `/`, no domain); `'secure'` names it `__Secure-…`. */
  prefix?: 'host' | 'secure' | undefined;
}

/** Options of `zenotiSignIn()`. */
export interface ZenotiSignInOptions<E extends Env = Env> {
  /** **Required.** The session cookie. */
  cookie: ZenotiSessionCookieOptions;
  /** Further origins whose pages may post the sign-in and sign-out forms; the app's own origin always may. @default [] */
  origins?: readonly string[] | undefined;
  /**
   * The budget of failed sign-ins per username and per client address; over it, `login` answers
   * 429 with `Retry-After` before calling Zenoti. `false` turns it off (e.g. when a gateway limits).
   * @default { perUsername: 4, perAddress: 20, windowSeconds: 900, maxEntries: 10000 }
   */
  limit?: ZenotiSignInLimit | false | undefined;
  /**
   * The client's address, for `limit`. By default the socket's address on Node
   * (`@hono/node-server`) and `CF-Connecting-IP` on Cloudflare Workers, never `X-Forwarded-For`:
   * behind your own proxy, read the address it sets. `undefined`: only the per-username limit applies.
   */
  clientAddress?: ((c: Context<E & ZenotiAuthEnv>) => string | undefined) | undefined;
  /** After a login, a non-secret value to keep in the session next to the principal, e.g. the guest id. */
  subject?:
    | ((
        c: Context<E & ZenotiAuthEnv>,
        user: { username: string; userType: string | undefined },
      ) => MaybePromise<string | undefined>)
    | undefined;
}

/** What the signed session cookie holds. */
export interface ZenotiSession {
  /** The opaque id of the end user's Zenoti session (from `login()`). */
  principal: string;
  /** The value `subject` returned at sign-in, if any. */
  subject: string | undefined;
}

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

/** Validates at start-up; cookie attributes are checked by serialising a sample cookie with them. */
function check(options: ZenotiSignInOptions<Env>, cookie: CookieOptions, name: string): void {
  const secret = options.cookie.secret;
  if (!((typeof secret === 'string' ? secret.length : secret?.byteLength) >= 32)) {
    throw invalidOption('hono', 'cookie.secret', 'must be at least 32 characters (or bytes)');
  }
  if (!/^(Strict|Lax)$/.test(String(cookie.sameSite)))
    throw invalidOption('hono', 'cookie.sameSite', 'must be "Strict" or "Lax"');
  const maxAge = cookie.maxAge;
  // Hono would silently leave out a negative or NaN Max-Age, turning the cookie into a session cookie.
  if (maxAge !== undefined && !(Number.isFinite(maxAge) && maxAge > 0)) {
    throw invalidOption('hono', 'cookie.maxAge', 'must be a positive number of seconds');
  }
  // Hono would silently add Secure to a `prefix` cookie (a `__Host-`/`__Secure-` name fails below).
  if (cookie.prefix && !cookie.secure)
    throw invalidOption('hono', 'cookie.secure', 'must be true with a cookie prefix');
  try {
    generateCookie(name, '', cookie);
  } catch (error) {
    // Hono's own check of the attributes (its message names the rule, never the secret).
    throw invalidOption('hono', 'cookie', `is refused by Hono: ${(error as Error).message}`);
  }
  for (const origin of options.origins ?? []) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      throw invalidOption('hono', 'origins', `lists "${origin}", which is not an origin`);
  }
}

/**
 * End-user sign-in for guest or therapist apps: `login` runs `login()` from a form post and keeps
 * only the opaque principal id in an httpOnly, signed, `SameSite` cookie; `principal` reads it for
 * `zenotiAuth({ principal })`; `logout` revokes and deletes the cookie. Both POST handlers accept
 * only same-origin posts (`Sec-Fetch-Site: same-origin`, or an `Origin` equal to the app's own or
 * listed in `origins`), else 403. Failed sign-ins are limited per username and per client address
 * (see `limit`): over the budget, `login` answers 429 with `Retry-After` before calling Zenoti.
 * Configuration mistakes throw `INVALID_OPTIONS` at once.
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
 * ```
 */
export function zenotiSignIn<E extends Env = Env>(options: ZenotiSignInOptions<E>): ZenotiSignIn<E> {
  if (typeof options?.cookie !== 'object' || options.cookie === null)
    throw invalidOption('hono', 'cookie', 'must be an object');
  const { secret, name = 'zenoti_session', ...given } = options.cookie;
  const attributes = defined(given);
  const cookie: CookieOptions = {
    ...attributes,
    secure: attributes.secure !== false,
    sameSite: attributes.sameSite ?? 'Lax',
    path: attributes.path ?? '/',
    httpOnly: true,
  };
  const prefix = cookie.prefix;
  check(options as unknown as ZenotiSignInOptions<Env>, cookie, name);
  const origins = options.origins ?? [];
  const limiter = options.limit === false ? undefined : signInLimiter(options.limit);
  const clientAddress = options.clientAddress ?? defaultClientAddress;
  if (typeof clientAddress !== 'function') throw invalidOption('hono', 'clientAddress', 'must be a function');

  const session = async (c: Context): Promise<ZenotiSession | undefined> => {
    const value = await getSignedCookie(c, secret, name, prefix);
    try {
      const [principal, subject] = JSON.parse(value || '[]') as unknown[];
      if (typeof principal === 'string' && principal !== '') {
        return { principal, subject: typeof subject === 'string' ? subject : undefined };
      }
    } catch {
      // A cookie that parses badly is no session.
    }
    return undefined;
  };

  const sameOrigin = (c: Context): void => {
    if (c.req.header('sec-fetch-site') === 'same-origin') return;
    const origin = c.req.header('origin');
    if (origin !== undefined && (origin === new URL(c.req.url).origin || origins.includes(origin))) return;
    throw httpError(403, 'CROSS_SITE', 'Cross-site request refused.');
  };

  return {
    session,
    principal: async (c) => (await session(c))?.principal,

    login: async function login(c) {
      sameOrigin(c);
      const auth = zenotiOf(c, 'zenotiSignIn().login').auth;
      let form: Record<string, unknown> = {};
      try {
        form = /json/i.test(c.req.header('content-type') ?? '')
          ? await c.req.json()
          : await c.req.parseBody();
      } catch {
        // Handled below as missing fields.
      }
      const { username, password } = form ?? {};
      if (
        typeof username !== 'string' ||
        typeof password !== 'string' ||
        !username.trim() ||
        !password ||
        username.length > 256 ||
        password.length > 1024
      ) {
        throw httpError(400, 'BAD_REQUEST', 'Give a username and a password.');
      }
      const user = username.trim();
      // Over the budget of failures: 429 before Zenoti is called. The attempt is charged up front
      // (concurrent attempts cannot slip through) and refunded if it succeeds.
      const keys = limiter?.keys(user, clientAddress(c as never)) ?? [];
      const wait = limiter?.take(keys);
      if (wait) {
        throw httpError(429, 'TOO_MANY_SIGN_INS', 'Too many failed sign-ins; try again later.', {
          'retry-after': String(wait),
        });
      }
      const previous = await session(c);
      let result: LoginResult;
      try {
        result = await auth.login({ username: user, password, signal: c.req.raw.signal });
      } catch (error) {
        rethrow(error, true);
      }
      limiter?.refund(keys);
      if (previous) await auth.logout(previous.principal).catch(() => undefined);
      let subject: string | undefined;
      try {
        subject = await options.subject?.(c, { username: user, userType: result.userType });
      } catch (error) {
        await auth.logout(result.principal).catch(() => undefined);
        throw error;
      }
      await setSignedCookie(c, name, JSON.stringify([result.principal, subject]), secret, cookie);
      return c.json({ signedIn: true, userType: result.userType ?? null });
    },

    logout: async function logout(c) {
      sameOrigin(c);
      const auth = zenotiOf(c, 'zenotiSignIn().logout').auth;
      const current = await session(c);
      deleteCookie(c, name, cookie);
      const { revoked } = current ? await auth.logout(current.principal).catch(rethrow) : { revoked: false };
      return c.json({ signedOut: true, revoked });
    },
  };
}
