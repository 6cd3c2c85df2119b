import { invalidOption, isZenotiAuth, type MaybePromise, type ZenotiAuth } from '@zenoti-auth/core';
import { healthOf } from '@zenoti-auth/core/health';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { named } from './plugin-meta.ts';

/** Options of `app.register(zenotiHealth, options)`. */
export interface ZenotiHealthPluginOptions {
  /** The route's path (under the register `prefix`, if any). @default '/health' */
  path?: string | undefined;
  /**
   * The engine to report on. @default the engine of `zenotiAuth` in the context (`request.zenoti.auth`);
   * without either, the plugin fails to load.
   */
  auth?: ZenotiAuth | undefined;
  /**
   * Make one call to Zenoti per request (`health({ probe: true })`). Each probe spends a call of the
   * organisation's rate limit: keep it off a liveness check polled every few seconds, or decide per
   * request (an operator's header, say). @default false
   */
  probe?: boolean | ((request: FastifyRequest) => MaybePromise<boolean>) | undefined;
}

/**
 * A health route (`GET /health` by default): answers the engine's health snapshot (`healthOf()` of `@zenoti-auth/core/health`) as JSON, 200
 * while it can serve calls (`ok` and `degraded`) and 503 when it is `down`, never cached. The
 * snapshot holds no key, password, secret, token or principal. Without `auth`, it reports on the
 * engine of `zenotiAuth`, which must then be registered before it in the same or an outer context:
 * otherwise loading fails with `INVALID_OPTIONS`, as it does for a bad option.
 *
 * @example
 * ```ts
 * await app.register(zenotiHealth, { auth: zenoti, path: '/health' })
 * ```
 */
export const zenotiHealth: FastifyPluginAsync<ZenotiHealthPluginOptions> = named(async function zenotiHealth(
  instance,
  options,
) {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('fastify', 'options', 'must be an object');
  const { auth, probe = false, path = '/health' } = options;
  if (auth !== undefined && !isZenotiAuth(auth))
    throw invalidOption('fastify', 'auth', 'must be a ZenotiAuth');
  if (typeof probe !== 'boolean' && typeof probe !== 'function')
    throw invalidOption('fastify', 'probe', 'must be a boolean or a function');
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw invalidOption('fastify', 'path', 'must be a path such as "/health"');
  if (auth === undefined && !instance.hasRequestDecorator('zenoti'))
    throw invalidOption(
      'fastify',
      'auth',
      'is needed where zenotiAuth is not registered before zenotiHealth',
    );

  instance.get(path, async (request, reply) => {
    const health = await healthOf(auth ?? request.zenoti.auth, {
      probe: typeof probe === 'function' ? await probe(request) : probe,
    });
    return reply
      .header('cache-control', 'no-store')
      .code(health.ok ? 200 : 503)
      .send(health);
  });
}, '@zenoti-auth/fastify/health');
