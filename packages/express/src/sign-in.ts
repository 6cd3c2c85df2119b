import {
  type ZenotiSignInOptions as CoreSignInOptions,
  type ZenotiSignInResolver as CoreSignInResolver,
  createZenotiSignIn,
  errorAnswerOf,
  type ZenotiSession,
  type ZenotiSignInContext,
} from '@zenoti-auth/core/sign-in';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errorListener, type ZenotiErrorListener } from './error-log.ts';
import { sendAnswer, zenotiOf } from './handler-answer.ts';
import { clientSignal } from './request-signal.ts';
import { toWebRequest } from './web-request.ts';

export type { ZenotiSession, ZenotiSessionCookieOptions, ZenotiSignInLimit } from '@zenoti-auth/core/sign-in';

/** Options of `zenotiSignIn()`: those of core's neutral sign-in (`@zenoti-auth/core/sign-in`); hooks get Express's `req`. */
export type ZenotiSignInOptions = CoreSignInOptions<Request>;
/** Options per request (`(req) => options`), checked once per distinct settings. */
export type ZenotiSignInResolver = CoreSignInResolver<Request>;

/** What `zenotiSignIn()` gives: two POST handlers and the readers of the session cookie. */
export interface ZenotiSignIn {
  /** POST handler (behind `zenotiAuth()` of the end users' app): form or JSON `username` + `password`; sets the session cookie. */
  login: RequestHandler;
  /** POST handler: revokes the session at Zenoti and deletes the cookie. */
  logout: RequestHandler;
  /** The principal of the signed session cookie: for `zenotiAuth({ principal })`. */
  principal(req: Request): Promise<string | undefined>;
  /** The session of the signed cookie (`{ principal, subject }`), or `undefined`. */
  session(req: Request): Promise<ZenotiSession | undefined>;
}

/** Options of the Express skin itself. */
export interface ZenotiSignInHandlerOptions {
  /**
   * Told of every 5xx the handlers answer, and of a sign-in refused in a wrong password's words for
   * another reason (the login policy, the service user's username), with that reason as `message`.
   * @default one line on `console.error`
   */
  onError?: ZenotiErrorListener | undefined;
}

/**
 * End-user sign-in for guest or therapist apps: `login` runs `login()` from a form or JSON post and
 * keeps only the opaque principal id in an httpOnly, signed, `SameSite` cookie; `principal` reads it
 * for `zenotiAuth({ principal })`; `logout` revokes and deletes the cookie. A skin over core's neutral
 * sign-in (`@zenoti-auth/core/sign-in`), which holds every rule: same-origin posts only (else 403),
 * a budget of failed sign-ins per username and address (429 before Zenoti is called), a blocked or
 * service-user sign-in answered as a wrong password. Works with or without a body parser before it.
 * Configuration mistakes throw `INVALID_OPTIONS` at once.
 *
 * @example
 * ```ts
 * import { zenotiSignIn } from '@zenoti-auth/express/sign-in'
 *
 * const signIn = zenotiSignIn({ cookie: { secret: process.env.SESSION_SECRET! } })
 * const guests = zenotiAuth({ app: { accountName, appId, appSecret }, principal: signIn.principal })
 * app.post('/auth/login', guests, signIn.login)
 * app.post('/auth/logout', guests, signIn.logout)
 * ```
 */
export function zenotiSignIn(
  options: ZenotiSignInOptions | ZenotiSignInResolver,
  { onError }: ZenotiSignInHandlerOptions = {},
): ZenotiSignIn {
  const tellError = errorListener(onError);
  const handlers = createZenotiSignIn<Request>(options, { package: 'express', name: 'zenotiSignIn()' });

  /** A POST handler: the Express request as a Web Request, the neutral handler's answer sent back. */
  const handler = (run: typeof handlers.login, who: string): RequestHandler => {
    const answer = async (req: Request, res: Response): Promise<void> => {
      const signal = (req as { zenoti?: { signal: AbortSignal } }).zenoti?.signal ?? clientSignal(res);
      const context: ZenotiSignInContext<Request> = {
        from: req,
        // Read only once the post is known to be same-origin.
        get auth() {
          return zenotiOf(req, who).auth;
        },
        address: req.socket.remoteAddress,
        signal,
      };
      const response = await run(toWebRequest(req, signal), context);
      await sendAnswer(req, res, response, errorAnswerOf(response), tellError);
    };
    return function zenotiSignIn(req: Request, res: Response, next: NextFunction): void {
      answer(req, res).catch(next);
    };
  };

  return {
    login: handler(handlers.login, 'zenotiSignIn().login'),
    logout: handler(handlers.logout, 'zenotiSignIn().logout'),
    principal: (req) => handlers.principal(req.headers.cookie, req),
    session: (req) => handlers.session(req.headers.cookie, req),
  };
}
