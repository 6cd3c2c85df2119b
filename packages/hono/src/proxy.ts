import {
  createZenotiProxy,
  errorAnswerOf,
  type ZenotiProxyOptions as NeutralProxyOptions,
} from '@zenoti-auth/core/proxy';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { answered, unwrapped } from './answer.ts';
import { defaultClientAddress } from './client-address.ts';
import { zenotiOf } from './http-error.ts';
import type { ZenotiAuthEnv } from './types.ts';

export type { ZenotiProxyFairShare } from '@zenoti-auth/core/proxy';

/**
 * Options of `zenotiProxy()`: those of `@zenoti-auth/core/proxy`, whose rules it applies.
 * `clientAddress` receives Hono's context; by default it is the socket's address on Node
 * (`@hono/node-server`) and `CF-Connecting-IP` on Cloudflare Workers, never `X-Forwarded-For`.
 */
export type ZenotiProxyOptions<E extends Env = ZenotiAuthEnv> = NeutralProxyOptions<
  Context<E & ZenotiAuthEnv>
>;

/** The request target as received, when the runtime keeps it (Node: before URL normalisation removes `..`). */
function rawTarget(env: unknown): string | undefined {
  const url = (env as { incoming?: { url?: unknown } } | undefined)?.incoming?.url;
  return typeof url === 'string' ? url : undefined;
}

/**
 * A same-origin gateway to Zenoti for the browser: forwards an allow-list of methods and paths,
 * with the credential of `c.var.zenoti` (mount `zenotiAuth()` before it), and an allow-list of
 * request headers (see `forwardHeaders`). The host is never the client's choice: paths with `//`,
 * `\`, `%2f`, `%5c`, `%25`, dot segments (raw or encoded) or control characters get 400 before
 * anything is sent; paths off the list 404 (a bare `:id` matches a Zenoti id, a GUID, only), a
 * listed path with another method 405 (`Allow` names
 * the methods). A redirect from Zenoti is never followed: it is answered 502 `UPSTREAM_REDIRECT`.
 * Bodies stream both ways; Zenoti's status, content type, caching and rate-limit headers
 * (`RateLimit-*`, `Organization-RateLimit-Limit`, `Retry-After`) come back, `Set-Cookie` never,
 * with `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox` (a body that is
 * not JSON also gets `Content-Disposition: attachment`). With a rate budget (`rateLimit.budget`)
 * each forwarded call waits for its permit; a client that disconnects ends its own wait, and a
 * client past its `fairShare` is answered 429 at once, so that one client's burst cannot make the
 * others wait out their `maxWaitMs`. The rules are `@zenoti-auth/core/proxy`'s; its error answers
 * are thrown as `ZenotiHTTPException`s.
 *
 * @example
 * ```ts
 * import { zenotiProxy } from '@zenoti-auth/hono/proxy'
 *
 * const app = new Hono<ZenotiAuthEnv>()
 * app.use('/api/zenoti/*', zenotiAuth({ apiKey: process.env.ZENOTI_API_KEY! }))
 * app.all('/api/zenoti/*', zenotiProxy({
 *   prefix: '/api/zenoti',
 *   allow: ['GET /v1/centers', 'GET /v1/centers/:id', 'GET /v1/centers/:id/services'],
 * }))
 * ```
 */
export function zenotiProxy<E extends ZenotiAuthEnv = ZenotiAuthEnv>(
  options: ZenotiProxyOptions<E>,
): MiddlewareHandler<E> {
  const proxy = createZenotiProxy<Context<E & ZenotiAuthEnv>>(options, {
    package: 'hono',
    name: 'zenotiProxy()',
  });
  return async function zenotiProxy(c) {
    const zenoti = zenotiOf(c, 'zenotiProxy()');
    const response = await proxy.handle(c.req.raw, {
      from: c as Context<E & ZenotiAuthEnv>,
      zenoti: {
        principal: zenoti.principal,
        fetch: (path, init) => zenoti.fetch(path, init).catch(unwrapped),
      },
      rawTarget: rawTarget(c.env),
      // Read only for a request without a principal (the fair share's key).
      get address() {
        return defaultClientAddress(c);
      },
    });
    return answered(response, errorAnswerOf(response));
  };
}
