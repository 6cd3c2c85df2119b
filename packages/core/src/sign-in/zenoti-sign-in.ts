import { isZenotiAuthError } from '../errors.ts';
import { answerOrRethrow, errorAnswer, type ZenotiHandlerCaller } from '../proxy/error-answer.ts';
import type { LoginResult } from '../sessions.ts';
import type {
  ZenotiSession,
  ZenotiSignInContext,
  ZenotiSignInHandlers,
  ZenotiSignInOptions,
  ZenotiSignInResolver,
} from './sign-in-options.ts';
import { asWrongPassword, isServiceUser, serviceUserRefused } from './sign-in-refusal.ts';
import { postedFields } from './sign-in-request.ts';
import { type SignInSettings, type SignInUse, signInOptions } from './sign-in-settings.ts';
import { readSignedCookie, signedCookie } from './signed-cookie.ts';

const CORE: ZenotiHandlerCaller = { package: 'core', name: 'createZenotiSignIn()' };

/** The session in a validly signed cookie of the `Cookie` header, else `undefined`. */
async function readSession(
  header: string | null | undefined,
  settings: SignInSettings,
): Promise<ZenotiSession | undefined> {
  const value = header ? await readSignedCookie(header, settings.cookie, await settings.key()) : undefined;
  try {
    const [principal, subject] = JSON.parse(value || '[]') as unknown[];
    if (typeof principal === 'string' && principal !== '') {
      return { principal, subject: typeof subject === 'string' ? subject : undefined };
    }
  } catch {
    // A cookie that parses badly is no session.
  }
  return undefined;
}

/** Whether a post comes from the app's own pages: `Sec-Fetch-Site: same-origin`, or an allowed `Origin`. */
function sameOrigin(request: Request, origins: readonly string[]): boolean {
  if (request.headers.get('sec-fetch-site') === 'same-origin') return true;
  const origin = request.headers.get('origin');
  return origin !== null && (origin === new URL(request.url).origin || origins.includes(origin));
}

const crossSite = (): Response => errorAnswer(403, 'CROSS_SITE', 'Cross-site request refused.');

/**
 * End-user sign-in for guest or therapist apps, as framework-neutral Web `Request → Response`
 * handlers that each adapter (`@zenoti-auth/hono/sign-in`, Express's, Fastify's) wraps. `login`
 * runs the engine's `login()` from a form or JSON post and keeps only the opaque principal id in an
 * httpOnly, signed (HMAC-SHA-256), `SameSite` cookie; `principal` reads it for the adapter's
 * `zenotiAuth({ principal })`; `logout` revokes and deletes the cookie. Both POST handlers accept
 * only same-origin posts (`Sec-Fetch-Site: same-origin`, or an `Origin` equal to the app's own or
 * listed in `origins`), else 403 `CROSS_SITE`. Failed sign-ins are limited per username and per
 * client address (see `limit`): over the budget, 429 `TOO_MANY_SIGN_INS` with `Retry-After` before
 * Zenoti is called. A sign-in Zenoti's login policy blocks, and one with the engine's own service
 * username, are answered exactly as a wrong password, with the real reason in the answer's `cause`
 * and `tellServer` (see `errorAnswerOf()`, `revealBlockedLogin`, `allowServiceUser`).
 * Configuration mistakes throw `INVALID_OPTIONS` at once; a resolver `(from) => options` reads them
 * per request (checked once per options object or distinct settings; a mistake is answered 500
 * `INVALID_OPTIONS`). Handlers reject only for errors that are not Zenoti's (a hook's own error).
 *
 * @example
 * ```ts
 * import { createZenotiSignIn } from '@zenoti-auth/core/sign-in'
 *
 * const signIn = createZenotiSignIn({ cookie: { secret: process.env.SESSION_SECRET! } })
 * const guests = new ZenotiAuth({ app: { accountName, appId, appSecret } })
 * // POST /auth/login
 * const response = await signIn.login(request, { from: request, auth: guests })
 * // any route: whose Zenoti token to use
 * const principal = await signIn.principal(request.headers.get('cookie'), request)
 * ```
 */
export function createZenotiSignIn<F = Request>(
  options: ZenotiSignInOptions<F> | ZenotiSignInResolver<F>,
  caller: ZenotiHandlerCaller = CORE,
): ZenotiSignInHandlers<F> {
  const by = caller.package;
  const resolve = signInOptions(options, by);
  const session = async (cookie: string | null | undefined, from: F) =>
    readSession(cookie, await resolve(from));

  /** The request's options, or the answer to a resolver's mistake (500 `INVALID_OPTIONS`). */
  const resolved = async (from: F): Promise<SignInUse<F> | Response> => {
    try {
      return await resolve(from);
    } catch (error) {
      return answerOrRethrow(error);
    }
  };

  return {
    session,
    principal: async (cookie, from) => (await session(cookie, from))?.principal,

    async login(request: Request, context: ZenotiSignInContext<F>): Promise<Response> {
      const o = await resolved(context.from);
      if (o instanceof Response) return o;
      if (!sameOrigin(request, o.origins)) return crossSite();
      const auth = context.auth;
      const fields = await postedFields(request, context.readFields);
      if (!fields) return errorAnswer(400, 'BAD_REQUEST', 'Give a username and a password.');
      const { username, password } = fields;
      const cookieHeader = request.headers.get('cookie');
      const previous = await readSession(cookieHeader, o);
      // Over the budget of failures: 429 before Zenoti is called. The attempt is charged up front
      // (concurrent attempts cannot slip through); only a success takes the charge back.
      const address = o.clientAddress ? o.clientAddress(context.from) : context.address;
      const attempt = o.limiter?.admit(username, address);
      if (typeof attempt === 'number') {
        return errorAnswer(429, 'TOO_MANY_SIGN_INS', 'Too many failed sign-ins; try again later.', {
          'retry-after': String(attempt),
        });
      }
      // Wrong passwords typed here would count towards the lock-out of the app's own user.
      if (!o.allowServiceUser && isServiceUser(auth.serviceUsername, username)) {
        attempt?.failed();
        return asWrongPassword(serviceUserRefused(by));
      }
      let result: LoginResult;
      try {
        result = await auth.login({ username, password, signal: context.signal ?? request.signal });
      } catch (error) {
        attempt?.failed();
        // Only a right password meets a login policy: a distinct answer would confirm it.
        if (!o.revealBlockedLogin && isZenotiAuthError(error) && error.code === 'LOGIN_BLOCKED')
          return asWrongPassword(error);
        return answerOrRethrow(error, true);
      }
      attempt?.succeeded();
      if (previous) await auth.logout(previous.principal).catch(() => undefined);
      let subject: string | undefined;
      try {
        subject = await o.subject?.(context.from, { username, userType: result.userType });
      } catch (error) {
        await auth.logout(result.principal).catch(() => undefined);
        throw error;
      }
      const cookie = await signedCookie(o.cookie, JSON.stringify([result.principal, subject]), await o.key());
      return Response.json(
        { signedIn: true, userType: result.userType ?? null },
        { headers: { 'set-cookie': cookie } },
      );
    },

    async logout(request: Request, context: ZenotiSignInContext<F>): Promise<Response> {
      const o = await resolved(context.from);
      if (o instanceof Response) return o;
      if (!sameOrigin(request, o.origins)) return crossSite();
      const auth = context.auth;
      const current = await readSession(request.headers.get('cookie'), o);
      let revoked = false;
      if (current) {
        try {
          ({ revoked } = await auth.logout(current.principal));
        } catch (error) {
          return answerOrRethrow(error);
        }
      }
      return Response.json(
        { signedOut: true, revoked },
        { headers: { 'set-cookie': `${o.cookie.name}=${o.cookie.deletion}` } },
      );
    },
  };
}
