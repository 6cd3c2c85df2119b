import { invalidOption, isZenotiAuth, isZenotiAuthError, ZenotiAuth } from '@zenoti-auth/core';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { EngineCache } from './engine-cache.ts';
import { logAnswered, logToConsole } from './error-log.ts';
import { rethrow, signInRequired, toHTTPException } from './errors.ts';
import type {
  PrincipalResolver,
  ZenotiAuthEnv,
  ZenotiAuthMiddlewareOptions,
  ZenotiAuthResolver,
  ZenotiContext,
  ZenotiErrorLog,
  ZenotiHonoOptions,
} from './types.ts';
import { listenForWarnings, warningsTo } from './warning-log.ts';

/** The adapter's own options, read. */
interface Adapter<E extends Env> {
  principal: PrincipalResolver<E> | undefined;
  /** `principalFallback: 'service-user'`: a request whose principal resolves to nothing uses the app's credential. */
  fallback: boolean;
  onError: (entry: ZenotiErrorLog, c: Context) => void;
  onWarning: ((message: string) => void) | undefined;
}

/** A request's options: the adapter's, and the engine (which a resolver's bad options fail to build). */
type Resolved<E extends Env> = [Adapter<E>, ZenotiAuth | Promise<ZenotiAuth>];

/** Splits the adapter's options from core's (checking them), without touching the caller's object. */
function split<E extends Env>(options: object): [Record<string, unknown>, Adapter<E>] {
  const {
    principal,
    principalFallback,
    onError = logToConsole,
    onWarning,
    auth: _auth,
    ...rest
  } = options as ZenotiHonoOptions<E> & { auth?: unknown };
  if (principal !== undefined && typeof principal !== 'function')
    throw invalidOption('hono', 'principal', 'must be a function');
  if (
    principalFallback !== undefined &&
    principalFallback !== 'refuse' &&
    principalFallback !== 'service-user'
  )
    throw invalidOption('hono', 'principalFallback', 'must be "refuse" or "service-user"');
  if (typeof onError !== 'function') throw invalidOption('hono', 'onError', 'must be a function');
  if (onWarning !== undefined && typeof onWarning !== 'function')
    throw invalidOption('hono', 'onWarning', 'must be a function');
  const core = onWarning ? warningsTo(rest, onWarning) : rest;
  return [
    core,
    { principal, fallback: principalFallback === 'service-user', onError: onError as never, onWarning },
  ];
}

/** Every call of a request refused for want of a principal: a 401 `LOGIN_REQUIRED`. */
const refused = (): Promise<never> => Promise.reject(signInRequired());

/** `c.var.zenoti` for one request; `refuse`: there is no principal and no fallback, so every call is a 401. */
function bind(auth: ZenotiAuth, principal: string | undefined, refuse: boolean): ZenotiContext {
  return {
    auth,
    principal,
    fetch: refuse
      ? refused
      : (input, init) =>
          auth
            .fetch(input, { ...init, zenoti: { principal, ...init?.zenoti } })
            .catch((e: unknown) => rethrow(e)),
    authorization: refuse
      ? refused
      : (options) => {
          // A header at hand (an API key, a fresh service-user token) needs no promise of the engine's.
          const ready = auth.peekAuthorization({ principal });
          return ready !== undefined
            ? Promise.resolve(ready)
            : auth.authorization({ principal, signal: options?.signal }).catch((e: unknown) => rethrow(e));
        },
  };
}

/**
 * Zenoti credentials for Hono: puts a typed `c.var.zenoti` on the context — `fetch`,
 * `authorization()` and the engine, bound to the request's principal.
 *
 * Static options build the engine at once, so a configuration mistake throws `ZenotiAuthError`
 * (`INVALID_OPTIONS`, naming the field) at start-up. A resolver `(c) => options` reads them per
 * request (e.g. secrets from `c.env` on Workers); engines are then cached per credential identity
 * (at most 100), never rebuilt per request. On Cloudflare Workers core defaults to
 * `shareInFlight: false` (see `DEFAULTS`). Request-time errors surface as `HTTPException`
 * (see `toHTTPException`, `isZenotiHTTPException`); each 5xx of them is logged once, through
 * `onError` (by default one line on `console.error`). With `principal`, a request whose principal resolves to nothing gets 401
 * `LOGIN_REQUIRED` from `fetch`/`authorization`, never the service user's token, unless
 * `principalFallback: 'service-user'`.
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
  // Static options are read once (`fixed`); a resolver's per request (`resolve`).
  let fixed: Resolved<E> | undefined;
  let resolve: ((c: Context) => Promise<Resolved<E>>) | undefined;
  if (typeof options === 'function') {
    const engines = new EngineCache();
    resolve = async (c) => {
      const [core, adapter] = split<E>(await options(c));
      return [adapter, engines.get(core as never)];
    };
  } else {
    if (typeof options !== 'object' || options === null)
      throw invalidOption('hono', 'options', 'must be an object or a function');
    const [core, adapter] = split<E>(options);
    if (options.auth !== undefined && !isZenotiAuth(options.auth))
      throw invalidOption('hono', 'auth', 'must be a ZenotiAuth');
    if (options.auth && adapter.onWarning) listenForWarnings(options.auth, adapter.onWarning);
    fixed = [adapter, options.auth ?? new ZenotiAuth(core as never)];
  }
  // Static options without a principal resolver: every request gets the same `c.var.zenoti`, made once.
  const shared =
    fixed && fixed[0].principal === undefined
      ? Object.freeze(bind(fixed[1] as ZenotiAuth, undefined, false))
      : undefined;

  return async function zenotiAuth(c, next) {
    // Until the adapter's options are read (a resolver may fail), errors go to the default log.
    let onError = fixed?.[0].onError ?? logToConsole;
    let zenoti = shared;
    if (zenoti === undefined) {
      try {
        const [adapter, engine] = fixed ?? (await (resolve as NonNullable<typeof resolve>)(c as Context));
        onError = adapter.onError;
        const auth = await engine;
        const { principal } = adapter;
        // An empty id is no principal either.
        const id = (principal && (await principal(c as Context))) || undefined;
        // No silent fall-back to the app's own credential: a resolver that finds no one is refused.
        zenoti = bind(auth, id, principal !== undefined && id === undefined && !adapter.fallback);
      } catch (error) {
        const answer = isZenotiAuthError(error) ? toHTTPException(error) : error;
        logAnswered(answer, c as Context, onError);
        throw answer;
      }
    }
    c.set('zenoti', zenoti);
    await next();
    // Hono has answered what the routes behind threw (with `app.onError`) and kept it in `c.error`.
    logAnswered(c.error, c as Context, onError);
  };
}
