import { invalidOption } from '@zenoti-auth/core';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { generateCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import type { ZenotiSignInLimit } from './sign-in-limit.ts';
import type { MaybePromise, ZenotiAuthEnv } from './types.ts';

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
   * 429 with `Retry-After` before calling Zenoti. A key stays blocked until `windowSeconds` after
   * its last failure. `false` turns it off (e.g. when a gateway limits).
   * @default { perUsername: 4, perAddress: 20, windowSeconds: 900, maxEntries: 10000 }
   */
  limit?: ZenotiSignInLimit | false | undefined;
  /**
   * The client's address, for `limit`. By default the socket's address on Node
   * (`@hono/node-server`) and `CF-Connecting-IP` on Cloudflare Workers, never `X-Forwarded-For`:
   * behind your own proxy, read the address it sets. `undefined`: only the per-username limit applies.
   */
  clientAddress?: ((c: Context<E & ZenotiAuthEnv>) => string | undefined) | undefined;
  /**
   * Answer a sign-in that Zenoti's login policy blocks with its own 403 `LOGIN_BLOCKED`. By default
   * it is answered exactly as a wrong password (401 `CREDENTIALS_REJECTED`, counted as a failure):
   * only a right password meets the policy, so a different answer would confirm the password. The
   * real reason goes to the server's log (`zenotiAuth({ onError })`) either way.
   * @default false
   */
  revealBlockedLogin?: boolean | undefined;
  /**
   * Let end users sign in with the username of the engine's own service user (`user.username`,
   * compared case-insensitively). By default such a sign-in is answered as a wrong password without
   * calling Zenoti (and logged), so that wrong passwords typed here cannot lock the app's own user.
   * @default false
   */
  allowServiceUser?: boolean | undefined;
  /** After a login, a non-secret value to keep in the session next to the principal, e.g. the guest id. */
  subject?:
    | ((
        c: Context<E & ZenotiAuthEnv>,
        user: { username: string; userType: string | undefined },
      ) => MaybePromise<string | undefined>)
    | undefined;
}

/**
 * Options per request, e.g. the cookie's secret from `c.env` on Workers, where secrets exist only
 * there. Checked once per options object (or per distinct settings), not per request; the budget
 * of failed sign-ins stays the `zenotiSignIn()`'s, so `limit` must be the same every time.
 */
export type ZenotiSignInResolver<E extends Env = Env> = (
  c: Context<E>,
) => MaybePromise<ZenotiSignInOptions<E>>;

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

/** Validates a sign-in's options (fixed ones at start-up); cookie attributes are checked by serialising a sample cookie with them. */
export function checkSignInOptions(
  options: ZenotiSignInOptions<Env>,
  cookie: CookieOptions,
  name: string,
): void {
  const secret = options.cookie.secret;
  if (!((typeof secret === 'string' ? secret.length : secret?.byteLength) >= 32)) {
    // Undefined: most often a secret never set (on Workers, a `wrangler secret` missing from c.env).
    const given = secret === undefined ? 'is undefined; it ' : '';
    throw invalidOption('hono', 'cookie.secret', `${given}must be at least 32 characters (or bytes)`);
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
  for (const flag of ['revealBlockedLogin', 'allowServiceUser'] as const) {
    if (![undefined, true, false].includes(options[flag]))
      throw invalidOption('hono', flag, 'must be true or false');
  }
}
