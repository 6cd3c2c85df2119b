import { invalidOption, isZenotiAuth, ZenotiAuth } from '@zenoti-auth/core';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { EngineCache } from './engine-cache.ts';
import { sharedWithParent } from './plugin-meta.ts';
import { RequestContext } from './request-context.ts';
import type { PrincipalResolver, ZenotiAuthPluginOptions, ZenotiFastifyOptions } from './types.ts';
import { listenForWarnings, warningsTo } from './warning-log.ts';

/** The adapter's own options, read. */
interface Adapter {
  principal: PrincipalResolver | undefined;
  /** `principalFallback: 'service-user'`: a request whose principal resolves to nothing uses the app's credential. */
  fallback: boolean;
}

/**
 * Splits the adapter's options from core's (checking them), without touching the caller's object.
 * Fastify's own register options (`logLevel`, `logSerializers`) are no option of core's.
 */
function split(
  options: object,
): [core: Record<string, unknown>, adapter: Adapter, onWarning: ((m: string) => void) | undefined] {
  const {
    principal,
    principalFallback,
    onWarning,
    auth: _auth,
    logLevel: _logLevel,
    logSerializers: _logSerializers,
    ...rest
  } = options as ZenotiFastifyOptions & { auth?: unknown; logLevel?: unknown; logSerializers?: unknown };
  if (principal !== undefined && typeof principal !== 'function')
    throw invalidOption('fastify', 'principal', 'must be a function');
  if (
    principalFallback !== undefined &&
    principalFallback !== 'refuse' &&
    principalFallback !== 'service-user'
  )
    throw invalidOption('fastify', 'principalFallback', 'must be "refuse" or "service-user"');
  if (onWarning !== undefined && typeof onWarning !== 'function')
    throw invalidOption('fastify', 'onWarning', 'must be a function');
  const core = onWarning ? warningsTo(rest, onWarning) : rest;
  return [core, { principal, fallback: principalFallback === 'service-user' }, onWarning];
}

/** `request.zenoti` for one request: the engine bound to its principal (an empty id is none). */
async function bind(
  request: FastifyRequest,
  reply: FastifyReply,
  auth: ZenotiAuth,
  { principal, fallback }: Adapter,
): Promise<RequestContext> {
  const id = (principal && (await principal(request))) || undefined;
  // No silent fall-back to the app's own credential: a resolver that finds no one is refused.
  return new RequestContext(auth, id, principal !== undefined && id === undefined && !fallback, reply.raw);
}

/** The onRequest hook that sets `request.zenoti`, for the options given. */
function hookFor(options: ZenotiAuthPluginOptions): onRequestHookHandler {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('fastify', 'options', 'must be an object');
  if ((options as { prefix?: unknown }).prefix !== undefined)
    throw invalidOption(
      'fastify',
      'prefix',
      'has no effect: zenotiAuth decorates the context it is registered in; register it inside the prefixed plugin',
    );

  if ('resolve' in options && options.resolve !== undefined) {
    const { resolve } = options;
    if (typeof resolve !== 'function') throw invalidOption('fastify', 'resolve', 'must be a function');
    const engines = new EngineCache();
    return async (request, reply) => {
      const resolved: unknown = await resolve(request);
      if (typeof resolved !== 'object' || resolved === null)
        throw invalidOption('fastify', 'options', 'must be an object (returned by resolve)');
      const [core, adapter] = split(resolved);
      request.zenoti = await bind(request, reply, await engines.get(core as never), adapter);
    };
  }

  const [core, adapter, onWarning] = split(options);
  const ready = 'auth' in options ? options.auth : undefined;
  if (ready !== undefined && !isZenotiAuth(ready))
    throw invalidOption('fastify', 'auth', 'must be a ZenotiAuth');
  if (ready && onWarning) listenForWarnings(ready, onWarning);
  const auth = ready ?? new ZenotiAuth(core as never);
  if (adapter.principal === undefined) {
    // Every request uses the app's own credential: nothing to wait for.
    return (request, reply, done) => {
      request.zenoti = new RequestContext(auth, undefined, false, reply.raw);
      done();
    };
  }
  return async (request, reply) => {
    request.zenoti = await bind(request, reply, auth, adapter);
  };
}

/**
 * Zenoti credentials for Fastify: decorates the request with a typed `request.zenoti` — `fetch`,
 * `authorization()`, the engine and the client's `signal` — bound to the request's principal, for
 * the routes of the context it is registered in and of the contexts inside it (it is not
 * encapsulated in a context of its own; a sibling context does not get it). A Zenoti call ends
 * (`ABORTED`) when the client leaves before the answer.
 *
 * Static options build the engine when the plugin loads, so a configuration mistake fails
 * `app.ready()` with `ZenotiAuthError` (`INVALID_OPTIONS`, naming the field). `{ resolve:
 * (request) => options }` reads them per request; engines are then cached per credential identity
 * (at most 100), never rebuilt per request. Request-time failures are `ZenotiAuthError`s: set
 * `zenotiErrorHandler()` to answer them. With `principal`, a request whose principal resolves to
 * nothing gets `LOGIN_REQUIRED` (401) from `fetch`/`authorization`, never the service user's
 * token, unless `principalFallback: 'service-user'`.
 *
 * @example
 * ```ts
 * const app = Fastify()
 * await app.register(zenotiAuth, { apiKey: process.env.ZENOTI_API_KEY! })
 * app.setErrorHandler(zenotiErrorHandler())
 * app.get('/centers', async (request, reply) => {
 *   const zenoti = await request.zenoti.fetch('/v1/centers')
 *   return reply.code(zenoti.status).send(await zenoti.json())
 * })
 * ```
 */
export const zenotiAuth: FastifyPluginAsync<ZenotiAuthPluginOptions> = sharedWithParent(
  async function zenotiAuth(instance, options) {
    const hook = hookFor(options);
    // Fastify 5 takes no object as a decorator's initial value (one object would be shared by every
    // request): null here, each request's own value set by the hook.
    if (!instance.hasRequestDecorator('zenoti')) instance.decorateRequest('zenoti', null as never);
    instance.addHook('onRequest', hook);
  },
  '@zenoti-auth/fastify',
);
