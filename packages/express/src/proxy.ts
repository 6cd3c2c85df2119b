import {
  type ZenotiProxyOptions as CoreProxyOptions,
  createZenotiProxy,
  errorAnswerOf,
} from '@zenoti-auth/core/proxy';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errorListener, type ZenotiErrorListener } from './error-log.ts';
import { sendAnswer, zenotiOf } from './handler-answer.ts';
import { toWebRequest } from './web-request.ts';

export type { ZenotiProxyFairShare } from '@zenoti-auth/core/proxy';

/** Options of `zenotiProxy()`: those of core's neutral proxy (`@zenoti-auth/core/proxy`), and `onError`. */
export interface ZenotiProxyOptions extends CoreProxyOptions<Request> {
  /**
   * Told of every 5xx the proxy answers (Zenoti unreachable, a token it cannot get): its body says
   * only a fixed message.
   * @default one line on `console.error` (none for `ABORTED`: the client went away)
   */
  onError?: ZenotiErrorListener | undefined;
}

/**
 * The request target below the mount point, exactly as received: Node keeps `..`, `%2f` and `//` as
 * the client sent them, but Express 4 lets a mount path take the slash after it (`/api/zenoti//x`
 * leaves `/x` in `req.url`), so the target is cut from `originalUrl` by the mount path itself.
 */
function targetBelowMount(req: Request): string {
  const { originalUrl, baseUrl } = req;
  if (typeof originalUrl !== 'string' || !originalUrl.startsWith(baseUrl)) return req.url;
  return originalUrl.slice(baseUrl.length) || '/';
}

/**
 * A same-origin gateway to Zenoti for the browser, to mount with `app.use(path, …)` behind
 * `zenotiAuth()`: forwards an allow-list of methods and paths (`allow`) with the request's
 * credential and an allow-list of headers; the mount path is removed before forwarding. A skin over
 * core's neutral proxy (`@zenoti-auth/core/proxy`), which holds every rule: paths that could reach
 * another host are 400, paths off the list 404, another method 405, redirects from Zenoti 502,
 * `Set-Cookie` never relayed, a client past its `fairShare` 429. Bodies stream both ways; a client
 * that leaves ends its call at Zenoti. Bad options throw `INVALID_OPTIONS` at once.
 *
 * @example
 * ```ts
 * import { zenotiProxy } from '@zenoti-auth/express/proxy'
 *
 * app.use('/api/zenoti', zenotiAuth({ apiKey: process.env.ZENOTI_API_KEY! }),
 *   zenotiProxy({ allow: ['GET /v1/centers', 'GET /v1/centers/:id'] }))
 * // browser: fetch('/api/zenoti/v1/centers?page=2') → GET https://api.zenoti.com/v1/centers?page=2
 * ```
 */
export function zenotiProxy(options: ZenotiProxyOptions): RequestHandler {
  const { onError, ...core } = options ?? ({} as ZenotiProxyOptions);
  const tellError = errorListener(onError);
  const proxy = createZenotiProxy<Request>(core, { package: 'express', name: 'zenotiProxy()' });

  const answer = async (req: Request, res: Response): Promise<void> => {
    const zenoti = zenotiOf(req, 'zenotiProxy()');
    const target = targetBelowMount(req);
    const response = await proxy.handle(toWebRequest(req, zenoti.signal, target), {
      zenoti,
      from: req,
      rawTarget: target,
      signal: zenoti.signal,
      get address() {
        return req.socket.remoteAddress;
      },
    });
    await sendAnswer(req, res, response, errorAnswerOf(response), tellError);
  };
  return function zenotiProxy(req: Request, res: Response, next: NextFunction): void {
    answer(req, res).catch(next);
  };
}
