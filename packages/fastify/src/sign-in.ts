import { invalidOption } from '@zenoti-auth/core';
import {
  type ZenotiSignInOptions as CoreSignInOptions,
  type ZenotiSignInResolver as CoreSignInResolver,
  createZenotiSignIn,
  errorAnswerOf,
  type ZenotiSession,
  type ZenotiSignInHandlers,
} from '@zenoti-auth/core/sign-in';
import type { FastifyPluginAsync, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { tellAnswer, type ZenotiAnswerListener } from './answer-log.ts';
import { named } from './plugin-meta.ts';
import { leaveBodiesRaw, toWebRequest } from './web-request.ts';

export type { ZenotiSession, ZenotiSessionCookieOptions, ZenotiSignInLimit } from '@zenoti-auth/core/sign-in';
export type { ZenotiAnswerListener, ZenotiAnswerLog } from './answer-log.ts';

/** Options of `zenotiSignIn()`: those of core's neutral sign-in (`@zenoti-auth/core/sign-in`); hooks get Fastify's request. */
export type ZenotiSignInOptions = CoreSignInOptions<FastifyRequest>;
/** Options per request (`(request) => options`), checked once per distinct settings. */
export type ZenotiSignInResolver = CoreSignInResolver<FastifyRequest>;

/** Options of the Fastify skin itself (the second argument of `zenotiSignIn()`). */
export interface ZenotiSignInSkinOptions {
  /**
   * Told of every 5xx the routes answer, and of a sign-in refused in a wrong password's words for
   * another reason (the login policy, the service user's username), with that reason as `message`.
   * @default one `request.log.error` entry `{ zenoti: { status, code, field } }` with the message
   */
  onError?: ZenotiAnswerListener | undefined;
}

/** Options of `app.register(signIn, options)`, besides Fastify's `prefix`. */
export interface ZenotiSignInRouteOptions {
  /** The sign-in route's path (POST). @default '/login' */
  loginPath?: string | undefined;
  /** The sign-out route's path (POST). @default '/logout' */
  logoutPath?: string | undefined;
}

/** What `zenotiSignIn()` gives: a plugin with the two POST routes, and the readers of the session cookie. */
export interface ZenotiSignIn extends FastifyPluginAsync<ZenotiSignInRouteOptions> {
  /** The principal of the signed session cookie: for `zenotiAuth`'s `principal` option. */
  principal(request: FastifyRequest): Promise<string | undefined>;
  /** The session of the signed cookie (`{ principal, subject }`), or `undefined`. */
  session(request: FastifyRequest): Promise<ZenotiSession | undefined>;
}

/** A route of the sign-in: Fastify's request as a Web Request, the neutral handler's answer sent back. */
function route(
  run: ZenotiSignInHandlers<FastifyRequest>['login'],
  onError?: ZenotiAnswerListener,
): RouteHandlerMethod {
  return async (request, reply) => {
    const { zenoti } = request;
    const response = await run(toWebRequest(request), {
      from: request,
      auth: zenoti.auth,
      address: request.ip,
      signal: zenoti.signal,
    });
    tellAnswer(errorAnswerOf(response), request, onError);
    return reply.send(response);
  };
}

/**
 * End-user sign-in for guest or therapist apps. `zenotiSignIn(options)` gives a plugin: registered
 * (`app.register(signIn, { prefix: '/auth' })`) in a context where `zenotiAuth` of the end users'
 * app runs, it serves `POST /login` — `login()` from a form or JSON post, keeping only the opaque
 * principal id in an httpOnly, signed, `SameSite` cookie — and `POST /logout`, which revokes and
 * deletes the cookie; `signIn.principal` reads the cookie for `zenotiAuth`'s `principal` option. A
 * skin over core's neutral sign-in (`@zenoti-auth/core/sign-in`), which holds every rule:
 * same-origin posts only (else 403), a budget of failed sign-ins per username and address (429
 * before Zenoti is called), a blocked or service-user sign-in answered as a wrong password. The
 * routes read their own bodies (no body parser needed). Bad options throw `INVALID_OPTIONS` at once;
 * a context without `zenotiAuth` fails `app.ready()`.
 *
 * @example
 * ```ts
 * import { zenotiSignIn } from '@zenoti-auth/fastify/sign-in'
 *
 * const signIn = zenotiSignIn({ cookie: { secret: process.env.SESSION_SECRET! } })
 * await app.register(zenotiAuth, { app: { accountName, appId, appSecret }, principal: signIn.principal })
 * await app.register(signIn, { prefix: '/auth' }) // POST /auth/login, POST /auth/logout
 * ```
 */
export function zenotiSignIn(
  options: ZenotiSignInOptions | ZenotiSignInResolver,
  { onError }: ZenotiSignInSkinOptions = {},
): ZenotiSignIn {
  if (onError !== undefined && typeof onError !== 'function')
    throw invalidOption('fastify', 'onError', 'must be a function');
  const handlers = createZenotiSignIn<FastifyRequest>(options, {
    package: 'fastify',
    name: 'zenotiSignIn()',
  });

  const plugin: FastifyPluginAsync<ZenotiSignInRouteOptions> = async function zenotiSignIn(instance, paths) {
    const { loginPath = '/login', logoutPath = '/logout' } = paths ?? {};
    for (const [field, path] of [
      ['loginPath', loginPath],
      ['logoutPath', logoutPath],
    ] as const) {
      if (typeof path !== 'string' || !path.startsWith('/'))
        throw invalidOption('fastify', field, 'must be a path such as "/login"');
    }
    if (!instance.hasRequestDecorator('zenoti'))
      throw invalidOption(
        'fastify',
        'zenotiAuth',
        "must be registered before the sign-in's routes, in their context or an outer one",
      );
    leaveBodiesRaw(instance);
    instance.post(loginPath, route(handlers.login, onError));
    instance.post(logoutPath, route(handlers.logout, onError));
  };
  return Object.assign(named(plugin, '@zenoti-auth/fastify/sign-in'), {
    principal: (request: FastifyRequest) => handlers.principal(request.headers.cookie, request),
    session: (request: FastifyRequest) => handlers.session(request.headers.cookie, request),
  });
}
