import { isZenotiAuthError, type LoginResult } from '@zenoti-auth/core';
import type { Context, Env } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { rethrow } from './errors.ts';
import { httpError, zenotiOf } from './http-error.ts';
import type {
  ZenotiSession,
  ZenotiSignIn,
  ZenotiSignInOptions,
  ZenotiSignInResolver,
} from './sign-in-options.ts';
import { asWrongPassword, isServiceUser, serviceUserRefused } from './sign-in-refusal.ts';
import { type SignInSettings, type SignInUse, signInOptions } from './sign-in-settings.ts';

export type { ZenotiSignInLimit } from './sign-in-limit.ts';
export type {
  ZenotiSession,
  ZenotiSessionCookieOptions,
  ZenotiSignIn,
  ZenotiSignInOptions,
  ZenotiSignInResolver,
} from './sign-in-options.ts';

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
  const resolve = signInOptions(options);

  const read = async (
    c: Context,
    { secret, name, cookie }: SignInSettings,
  ): Promise<ZenotiSession | undefined> => {
    const value = await getSignedCookie(c, secret, name, cookie.prefix);
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
  const session = async (c: Context) => read(c, await resolve(c));

  const sameOrigin = (c: Context, origins: readonly string[]): void => {
    if (c.req.header('sec-fetch-site') === 'same-origin') return;
    const origin = c.req.header('origin');
    if (origin !== undefined && (origin === new URL(c.req.url).origin || origins.includes(origin))) return;
    throw httpError(403, 'CROSS_SITE', 'Cross-site request refused.');
  };

  /** The request's options; a resolver's mistake is answered 500 `INVALID_OPTIONS` (and logged by `zenotiAuth`). */
  const resolved = (c: Context): Promise<SignInUse<E>> => Promise.resolve(resolve(c)).catch(rethrow);

  return {
    session,
    principal: async (c) => (await session(c))?.principal,

    login: async function login(c) {
      const o = await resolved(c);
      sameOrigin(c, o.origins);
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
      const previous = await read(c, o);
      // Over the budget of failures: 429 before Zenoti is called. The attempt is charged up front
      // (concurrent attempts cannot slip through); only a success takes the charge back.
      const attempt = o.limiter?.admit(user, o.clientAddress(c));
      if (typeof attempt === 'number') {
        throw httpError(429, 'TOO_MANY_SIGN_INS', 'Too many failed sign-ins; try again later.', {
          'retry-after': String(attempt),
        });
      }
      let result: LoginResult;
      try {
        // Wrong passwords typed here would count towards the lock-out of the app's own user.
        if (!o.allowServiceUser && isServiceUser(auth.serviceUsername, user))
          throw asWrongPassword(serviceUserRefused());
        result = await auth.login({ username: user, password, signal: c.req.raw.signal });
      } catch (error) {
        attempt?.failed();
        // Only a right password meets a login policy: a distinct answer would confirm it.
        if (!o.revealBlockedLogin && isZenotiAuthError(error) && error.code === 'LOGIN_BLOCKED')
          throw asWrongPassword(error);
        rethrow(error, true);
      }
      attempt?.succeeded();
      if (previous) await auth.logout(previous.principal).catch(() => undefined);
      let subject: string | undefined;
      try {
        subject = await o.subject?.(c, { username: user, userType: result.userType });
      } catch (error) {
        await auth.logout(result.principal).catch(() => undefined);
        throw error;
      }
      await setSignedCookie(c, o.name, JSON.stringify([result.principal, subject]), o.secret, o.cookie);
      return c.json({ signedIn: true, userType: result.userType ?? null });
    },

    logout: async function logout(c) {
      const o = await resolved(c);
      sameOrigin(c, o.origins);
      const auth = zenotiOf(c, 'zenotiSignIn().logout').auth;
      const current = await read(c, o);
      deleteCookie(c, o.name, o.cookie);
      const { revoked } = current ? await auth.logout(current.principal).catch(rethrow) : { revoked: false };
      return c.json({ signedOut: true, revoked });
    },
  };
}
