import { invalidOption } from '@zenoti-auth/core';
import {
  type ZenotiProxyOptions as CoreProxyOptions,
  createZenotiProxy,
  errorAnswerOf,
} from '@zenoti-auth/core/proxy';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { tellAnswer, type ZenotiAnswerListener } from './answer-log.ts';
import { named } from './plugin-meta.ts';
import { leaveBodiesRaw, toWebRequest } from './web-request.ts';

export type { ZenotiProxyFairShare } from '@zenoti-auth/core/proxy';
export type { ZenotiAnswerListener, ZenotiAnswerLog } from './answer-log.ts';

/**
 * Options of `app.register(zenotiProxy, options)`: those of core's neutral proxy
 * (`@zenoti-auth/core/proxy`; `clientAddress` gets Fastify's request), and `onError`. `prefix` is
 * Fastify's own register option: where the proxy is mounted, removed before forwarding.
 */
export interface ZenotiProxyPluginOptions extends Omit<CoreProxyOptions<FastifyRequest>, 'prefix'> {
  /**
   * Told of every 5xx the proxy answers (Zenoti unreachable, a token it cannot get, a redirect):
   * its body says only a fixed message.
   * @default one `request.log.error` entry `{ zenoti: { status, code, field } }` with the message (none for `ABORTED`)
   */
  onError?: ZenotiAnswerListener | undefined;
}

/**
 * A same-origin gateway to Zenoti for the browser: `app.register(zenotiProxy, { prefix, allow })`
 * forwards an allow-list of methods and paths under `prefix` (removed before forwarding) with the
 * credential of `zenotiAuth`, which must be registered before it in the same or an outer context. A
 * skin over core's neutral proxy (`@zenoti-auth/core/proxy`), which holds every rule: paths that
 * could reach another host are 400, paths off the list 404, another method 405, redirects from
 * Zenoti 502, `Set-Cookie` never relayed, a client past its `fairShare` 429. Request bodies are
 * never parsed in its context, but streamed to Zenoti as they come; answers stream back. A client
 * that leaves ends its call at Zenoti. The client's address for `fairShare` is `request.ip` (the
 * socket's, or what Fastify's `trustProxy` makes of `X-Forwarded-For`). Bad options, and a context
 * without `zenotiAuth`, fail `app.ready()` with `INVALID_OPTIONS`.
 *
 * @example
 * ```ts
 * import { zenotiProxy } from '@zenoti-auth/fastify/proxy'
 *
 * await app.register(zenotiAuth, { apiKey: process.env.ZENOTI_API_KEY! })
 * await app.register(zenotiProxy, { prefix: '/api/zenoti', allow: ['GET /v1/centers', 'GET /v1/centers/:id'] })
 * // browser: fetch('/api/zenoti/v1/centers?page=2') → GET https://api.zenoti.com/v1/centers?page=2
 * ```
 */
export const zenotiProxy: FastifyPluginAsync<ZenotiProxyPluginOptions> = named(async function zenotiProxy(
  instance,
  options,
) {
  const {
    onError,
    prefix: _prefix,
    logLevel: _logLevel,
    logSerializers: _logSerializers,
    ...core
  } = (options ?? {}) as ZenotiProxyPluginOptions & Record<string, unknown>;
  if (onError !== undefined && typeof onError !== 'function')
    throw invalidOption('fastify', 'onError', 'must be a function');
  // The whole path the context is mounted under (outer prefixes too), without a final slash.
  const prefix = instance.prefix.replace(/\/+$/, '');
  const proxy = createZenotiProxy<FastifyRequest>(
    { ...(core as CoreProxyOptions<FastifyRequest>), prefix },
    { package: 'fastify', name: 'zenotiProxy' },
  );
  if (!instance.hasRequestDecorator('zenoti'))
    throw invalidOption(
      'fastify',
      'zenotiAuth',
      'must be registered before zenotiProxy, in its context or an outer one',
    );

  leaveBodiesRaw(instance);
  instance.all('/*', async (request, reply) => {
    const { zenoti } = request;
    const response = await proxy.handle(toWebRequest(request), {
      zenoti,
      from: request,
      // As received: Node keeps `..` and `%2f` as the client sent them.
      rawTarget: request.url,
      signal: zenoti.signal,
      get address() {
        return request.ip;
      },
    });
    tellAnswer(errorAnswerOf(response), request, onError);
    // Fastify 5 sends a Fetch API Response as it is: status, headers, the body streamed (and
    // cancelled, so the call to Zenoti stops, when the client leaves midway).
    return reply.send(response);
  });
}, '@zenoti-auth/fastify/proxy');
