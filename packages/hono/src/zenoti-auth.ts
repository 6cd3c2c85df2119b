import type { ZenotiAuth } from '@zenoti-auth/core';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { createEngine, EngineCache, isEngine } from './engine-cache.ts';
import { invalid, rethrow } from './errors.ts';
import type {
  PrincipalResolver,
  ZenotiAuthEnv,
  ZenotiAuthMiddlewareOptions,
  ZenotiAuthResolver,
  ZenotiContext,
  ZenotiHonoOptions,
} from './types.ts';

interface Resolved<E extends Env> {
  auth: ZenotiAuth;
  principal: PrincipalResolver<E> | undefined;
}

function checkPrincipal<E extends Env>(value: unknown): PrincipalResolver<E> | undefined {
  if (value !== undefined && typeof value !== 'function') invalid('principal', 'must be a function.');
  return value as PrincipalResolver<E> | undefined;
}

/** Splits the adapter's options from core's, without touching the caller's object. */
function split<E extends Env>(options: object): [Record<string, unknown>, PrincipalResolver<E> | undefined] {
  const { principal, auth: _auth, ...core } = options as ZenotiHonoOptions<E> & { auth?: unknown };
  return [core, checkPrincipal<E>(principal)];
}

function bind(auth: ZenotiAuth, principal: string | undefined): ZenotiContext {
  return {
    auth,
    principal,
    fetch: (input, init) =>
      auth
        .fetch(input, { ...init, zenoti: { principal, ...init?.zenoti } })
        .catch((e: unknown) => rethrow(e)),
    authorization: (options) =>
      auth.authorization({ principal, signal: options?.signal }).catch((e: unknown) => rethrow(e)),
  };
}

/**
 * Zenoti credentials for Hono: puts a typed `c.var.zenoti` on the context — `fetch`,
 * `authorization()` and the engine, bound to the request's principal.
 *
 * Static options build the engine at once, so a configuration mistake throws `ZenotiAuthError`
 * (`INVALID_OPTIONS`, naming the field) at start-up. A resolver `(c) => options` reads them per
 * request (e.g. secrets from `c.env` on Workers); engines are then cached per credential identity
 * (at most 100), never rebuilt per request. On Cloudflare Workers the engine is built with
 * `shareInFlight: false` unless you set it. Request-time errors surface as `HTTPException`
 * (see `toHTTPException`).
 *
 * @example
 * ```ts
 * const app = new Hono<ZenotiAuthEnv>()
 * app.use('/api/*', zenotiAuth({ apiKey: process.env.ZENOTI_API_KEY! }))
 * app.get('/api/centers', async (c) => {
 *   const res = await c.var.zenoti.fetch('/v1/centers')
 *   return c.json(await res.json())
 * })
 *
 * // Cloudflare Workers: options from c.env
 * type Bindings = { ZENOTI_API_KEY: string }
 * const worker = new Hono<ZenotiAuthEnv & { Bindings: Bindings }>()
 * worker.use(zenotiAuth((c) => ({ apiKey: c.env.ZENOTI_API_KEY })))
 * ```
 */
export function zenotiAuth<E extends Env = Env>(
  options: ZenotiAuthMiddlewareOptions<E> | ZenotiAuthResolver<E>,
): MiddlewareHandler<E & ZenotiAuthEnv> {
  let resolve: (c: Context) => Resolved<E> | Promise<Resolved<E>>;
  if (typeof options === 'function') {
    const engines = new EngineCache();
    resolve = async (c) => {
      const [core, principal] = split<E>(await options(c));
      return { auth: await engines.get(core as never), principal };
    };
  } else {
    if (typeof options !== 'object' || options === null)
      invalid('options', 'must be an object or a function.');
    const [core, principal] = split<E>(options);
    if (options.auth !== undefined && !isEngine(options.auth)) invalid('auth', 'must be a ZenotiAuth.');
    const fixed: Resolved<E> = { auth: options.auth ?? createEngine(core as never), principal };
    resolve = () => fixed;
  }

  return async function zenotiAuth(c, next) {
    let zenoti: ZenotiContext;
    try {
      const { auth, principal } = await resolve(c as Context);
      zenoti = bind(auth, principal ? await principal(c as Context) : undefined);
    } catch (error) {
      rethrow(error);
    }
    c.set('zenoti', zenoti);
    await next();
  };
}
