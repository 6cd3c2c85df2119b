import type { MaybePromise } from '@zenoti-auth/core';
import { invalidOption, isZenotiAuth, type ZenotiAuth } from '@zenoti-auth/core';
import { healthOf } from '@zenoti-auth/core/health';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Options of `zenotiHealth()`. */
export interface ZenotiHealthHandlerOptions {
  /** The engine to report on. @default the engine of `zenotiAuth()` on the route (`req.zenoti.auth`) */
  auth?: ZenotiAuth | undefined;
  /**
   * Make one call to Zenoti per request (`healthOf(engine, { probe: true })`). Each probe spends a call of the
   * organisation's rate limit: keep it off a liveness check polled every few seconds, or decide per
   * request (an operator's header, say). @default false
   */
  probe?: boolean | ((req: Request) => MaybePromise<boolean>) | undefined;
}

/**
 * A health endpoint: answers the engine's health (`healthOf()`) snapshot as JSON, 200 while it can serve calls
 * (`ok` and `degraded`) and 503 when it is `down`, never cached. The snapshot holds no key, password,
 * secret, token or principal.
 *
 * @example
 * ```ts
 * app.get('/health', zenotiHealth({ auth: zenoti }))
 * ```
 */
export function zenotiHealth(options: ZenotiHealthHandlerOptions = {}): RequestHandler {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('express', 'options', 'must be an object');
  const { auth, probe = false } = options;
  if (auth !== undefined && !isZenotiAuth(auth))
    throw invalidOption('express', 'auth', 'must be a ZenotiAuth');
  if (typeof probe !== 'boolean' && typeof probe !== 'function')
    throw invalidOption('express', 'probe', 'must be a boolean or a function');

  const answer = async (req: Request, res: Response): Promise<void> => {
    const engine = auth ?? (req.zenoti as Partial<typeof req.zenoti> | undefined)?.auth;
    if (engine === undefined)
      throw invalidOption(
        'express',
        'auth',
        'is needed where zenotiAuth() does not run before zenotiHealth()',
      );
    const health = await healthOf(engine, { probe: typeof probe === 'function' ? await probe(req) : probe });
    res.setHeader('cache-control', 'no-store');
    res.status(health.ok ? 200 : 503).json(health);
  };
  return function zenotiHealth(req: Request, res: Response, next: NextFunction): void {
    answer(req, res).catch(next);
  };
}
