import { invalidOption, isZenotiAuth, ZenotiAuth } from '@zenoti-auth/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { EngineCache } from './engine-cache.ts';
import { RequestContext } from './request-context.ts';
import type {
  PrincipalResolver,
  ZenotiAuthMiddlewareOptions,
  ZenotiAuthResolver,
  ZenotiExpressOptions,
} from './types.ts';
import { listenForWarnings, warningsTo } from './warning-log.ts';

/** The adapter's own options, read. */
interface Adapter {
  principal: PrincipalResolver | undefined;
  /** `principalFallback: 'service-user'`: a request whose principal resolves to nothing uses the app's credential. */
  fallback: boolean;
}

/** Splits the adapter's options from core's (checking them), without touching the caller's object. */
function split(
  options: object,
): [core: Record<string, unknown>, adapter: Adapter, onWarning: ((m: string) => void) | undefined] {
  const {
    principal,
    principalFallback,
    onWarning,
    auth: _auth,
    ...rest
  } = options as ZenotiExpressOptions & { auth?: unknown };
  if (principal !== undefined && typeof principal !== 'function')
    throw invalidOption('express', 'principal', 'must be a function');
  if (
    principalFallback !== undefined &&
    principalFallback !== 'refuse' &&
    principalFallback !== 'service-user'
  )
    throw invalidOption('express', 'principalFallback', 'must be "refuse" or "service-user"');
  if (onWarning !== undefined && typeof onWarning !== 'function')
    throw invalidOption('express', 'onWarning', 'must be a function');
  const core = onWarning ? warningsTo(rest, onWarning) : rest;
  return [core, { principal, fallback: principalFallback === 'service-user' }, onWarning];
}

/** Puts `req.zenoti` on the request: the engine bound to its principal (an empty id is none). */
async function attach(
  req: Request,
  res: Response,
  auth: ZenotiAuth,
  { principal, fallback }: Adapter,
): Promise<void> {
  const id = (principal && (await principal(req))) || undefined;
  // No silent fall-back to the app's own credential: a resolver that finds no one is refused.
  req.zenoti = new RequestContext(auth, id, principal !== undefined && id === undefined && !fallback, res);
}

/**
 * Zenoti credentials for Express: puts a typed `req.zenoti` on the request — `fetch`,
 * `authorization()`, the engine and the client's `signal` — bound to the request's principal.
 * A Zenoti call ends (`ABORTED`) when the client leaves before the answer.
 *
 * Static options build the engine at once, so a configuration mistake throws `ZenotiAuthError`
 * (`INVALID_OPTIONS`, naming the field) at start-up. A resolver `(req) => options` reads them per
 * request; engines are then cached per credential identity (at most 100), never rebuilt per
 * request, and a mistake in what it returns goes to `next(error)` (500 through
 * `zenotiErrorHandler()`). Request-time failures are `ZenotiAuthError`s: mount
 * `zenotiErrorHandler()` to answer them. With `principal`, a request whose principal resolves to
 * nothing gets `LOGIN_REQUIRED` (401) from `fetch`/`authorization`, never the service user's
 * token, unless `principalFallback: 'service-user'`.
 *
 * @example
 * ```ts
 * const app = express()
 * app.use('/api', zenotiAuth({ apiKey: process.env.ZENOTI_API_KEY! }))
 * app.get('/api/centers', async (req, res) => {
 *   const zenoti = await req.zenoti.fetch('/v1/centers')
 *   res.status(zenoti.status).json(await zenoti.json())
 * })
 * app.use(zenotiErrorHandler())
 * ```
 */
export function zenotiAuth(options: ZenotiAuthMiddlewareOptions | ZenotiAuthResolver): RequestHandler {
  if (typeof options === 'function') {
    const engines = new EngineCache();
    return function zenotiAuth(req: Request, res: Response, next: NextFunction): void {
      void Promise.resolve()
        .then(() => options(req))
        .then(async (resolved) => {
          if (typeof resolved !== 'object' || resolved === null)
            throw invalidOption('express', 'options', 'must be an object (returned by the resolver)');
          const [core, adapter] = split(resolved);
          await attach(req, res, await engines.get(core as never), adapter);
        })
        .then(() => next(), next);
    };
  }
  if (typeof options !== 'object' || options === null)
    throw invalidOption('express', 'options', 'must be an object or a function');
  const [core, adapter, onWarning] = split(options);
  if (options.auth !== undefined && !isZenotiAuth(options.auth))
    throw invalidOption('express', 'auth', 'must be a ZenotiAuth');
  if (options.auth && onWarning) listenForWarnings(options.auth, onWarning);
  const auth = options.auth ?? new ZenotiAuth(core as never);

  if (adapter.principal === undefined) {
    // Every request uses the app's own credential: nothing to wait for.
    return function zenotiAuth(req: Request, res: Response, next: NextFunction): void {
      req.zenoti = new RequestContext(auth, undefined, false, res);
      next();
    };
  }
  return function zenotiAuth(req: Request, res: Response, next: NextFunction): void {
    void attach(req, res, auth, adapter).then(() => next(), next);
  };
}
