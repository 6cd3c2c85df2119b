import type { ZenotiAuth } from '../zenoti-auth.ts';
import type { ZenotiSignInLimit } from './sign-in-limit.ts';

/** A value or a promise of it. */
type MaybePromise<T> = T | Promise<T>;

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

/**
 * Options of `createZenotiSignIn()` (and of each adapter's `zenotiSignIn()`). `F` is the framework's
 * own request object (Hono's `Context`, Express's `req`), which the hooks receive.
 */
export interface ZenotiSignInOptions<F = Request> {
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
   * The client's address, for `limit`. By default the address the adapter knows (the socket's on
   * Node, `CF-Connecting-IP` on Cloudflare Workers), never `X-Forwarded-For`: behind your own
   * proxy, read the address it sets. `undefined`: only the per-username limit applies.
   */
  clientAddress?: ((from: F) => string | undefined) | undefined;
  /**
   * Answer a sign-in that Zenoti's login policy blocks with its own 403 `LOGIN_BLOCKED`. By default
   * it is answered exactly as a wrong password (401 `CREDENTIALS_REJECTED`, counted as a failure):
   * only a right password meets the policy, so a different answer would confirm the password. The
   * real reason goes to the server's log either way (the answer's `tellServer` and `cause`).
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
        from: F,
        user: { username: string; userType: string | undefined },
      ) => MaybePromise<string | undefined>)
    | undefined;
}

/**
 * Options per request, e.g. the cookie's secret from `c.env` on Workers, where secrets exist only
 * there. Checked once per options object (or per distinct settings), not per request; the budget
 * of failed sign-ins stays the sign-in's, so `limit` must be the same every time.
 */
export type ZenotiSignInResolver<F = Request> = (from: F) => MaybePromise<ZenotiSignInOptions<F>>;

/** What the signed session cookie holds. */
export interface ZenotiSession {
  /** The opaque id of the end user's Zenoti session (from `login()`). */
  principal: string;
  /** The value `subject` returned at sign-in, if any. */
  subject: string | undefined;
}

/** What the sign-in uses of the engine of the end users' Zenoti app. */
export type ZenotiSignInEngine = Pick<ZenotiAuth, 'login' | 'logout' | 'serviceUsername'>;

/** What the adapter tells `login()` and `logout()` about one request, besides the `Request` itself. */
export interface ZenotiSignInContext<F = Request> {
  /** The framework's own request object, handed to the hooks (`subject`, `clientAddress`, a resolver). */
  from: F;
  /**
   * The engine of the end users' Zenoti app (Hono's `c.var.zenoti.auth`). Read only once the post
   * is known to be same-origin: a getter that throws when the adapter's middleware is missing is fine.
   */
  readonly auth: ZenotiSignInEngine;
  /**
   * The client's address as the server knows it (the socket's; on Workers `CF-Connecting-IP`),
   * never from a header a client can set; used when the options have no `clientAddress`.
   */
  address?: string | undefined;
  /** Ends the call to Zenoti when the client leaves. @default request.signal */
  signal?: AbortSignal | undefined;
  /**
   * The posted fields, when the framework has read the body already (a body parser's `req.body`).
   * @default the request's body: JSON when its type says so, else a form
   */
  readFields?: (() => unknown) | undefined;
}

/** End-user sign-in made by `createZenotiSignIn()`: two POST handlers and two cookie readers. */
export interface ZenotiSignInHandlers<F = Request> {
  /** POST handler: form or JSON `username` + `password` → `login()`, then sets the session cookie. */
  login(request: Request, context: ZenotiSignInContext<F>): Promise<Response>;
  /** POST handler: `logout()` (revokes the tokens at Zenoti), then deletes the session cookie. */
  logout(request: Request, context: ZenotiSignInContext<F>): Promise<Response>;
  /**
   * The session of a validly signed cookie in `cookie` (the request's `Cookie` header), else
   * `undefined`. Rejects with `INVALID_OPTIONS` when a resolver's options are wrong.
   */
  session(cookie: string | null | undefined, from: F): Promise<ZenotiSession | undefined>;
  /** The principal of `session()`: for the adapter's `zenotiAuth({ principal })`. */
  principal(cookie: string | null | undefined, from: F): Promise<string | undefined>;
}
