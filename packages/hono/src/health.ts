import { invalidOption, isZenotiAuth, type ZenotiAuth } from '@zenoti-auth/core';
import { healthOf } from '@zenoti-auth/core/health';
import type { Context, Env, Handler } from 'hono';
import type { MaybePromise, ZenotiAuthVariables } from './types.ts';

/** Options of `zenotiHealth()`. */
export interface ZenotiHealthHandlerOptions<E extends Env = Env> {
  /** The engine to report on. @default the engine of `zenotiAuth()` on the route (`c.var.zenoti.auth`) */
  auth?: ZenotiAuth | undefined;
  /**
   * Make one call to Zenoti per request (`healthOf(engine, { probe: true })`). Each probe spends a call of the
   * organisation's rate limit: keep it off a liveness check polled every few seconds, or decide per
   * request (an operator's header, say). @default false
   */
  probe?: boolean | ((c: Context<E>) => MaybePromise<boolean>) | undefined;
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
export function zenotiHealth<E extends Env = Env>(options: ZenotiHealthHandlerOptions<E> = {}): Handler<E> {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('hono', 'options', 'must be an object');
  const { auth, probe = false } = options;
  if (auth !== undefined && !isZenotiAuth(auth)) throw invalidOption('hono', 'auth', 'must be a ZenotiAuth');
  if (typeof probe !== 'boolean' && typeof probe !== 'function')
    throw invalidOption('hono', 'probe', 'must be a boolean or a function');
  return async (c) => {
    const engine = auth ?? (c.var as Partial<ZenotiAuthVariables>).zenoti?.auth;
    if (engine === undefined)
      throw invalidOption('hono', 'auth', 'is needed where zenotiAuth() does not run before zenotiHealth()');
    const health = await healthOf(engine, { probe: typeof probe === 'function' ? await probe(c) : probe });
    c.header('cache-control', 'no-store');
    return c.json(health, health.ok ? 200 : 503);
  };
}
