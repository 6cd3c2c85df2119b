import { invalidOption } from '@zenoti-auth/core';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { httpError, zenotiOf } from './http-error.ts';
import { allowed, checkPath, compileAllowList } from './path-guard.ts';
import { compileForwardHeaders, forwardedHeaders, relayedHeaders } from './proxy-headers.ts';
import type { ZenotiAuthEnv } from './types.ts';

/** Options of `zenotiProxy()`. */
export interface ZenotiProxyOptions {
  /**
   * **Required.** What the browser may reach: `'METHOD /path'` entries such as `'GET /v1/centers'`,
   * `'GET /v1/centers/:id/services'` or `'GET /v1/centers/*'` (`:name` = one segment, a final
   * `*` = one or more). Literal segments match case-insensitively; `GET` also allows `HEAD`.
   */
  allow: readonly string[];
  /**
   * The path the proxy is mounted under, removed before forwarding: with `'/api/zenoti'`,
   * `GET /api/zenoti/v1/centers?page=2` goes to `GET {baseUrl}/v1/centers?page=2`.
   * @default ''
   */
  prefix?: string | undefined;
  /**
   * Further request headers to forward, besides `Accept`, `Accept-Language`, `Content-Type`,
   * `If-None-Match`, `If-Modified-Since` and `Cache-Control`. Credentials, cookies, `Host`,
   * hop-by-hop, forwarding, client-IP, method-override and URL-rewrite headers cannot be named.
   * @default []
   */
  forwardHeaders?: readonly string[] | undefined;
}

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
 * anything is sent; paths off the list 404, a listed path with another method 405 (`Allow` names
 * the methods). A redirect from Zenoti is never followed: it is answered 502 `UPSTREAM_REDIRECT`.
 * Bodies stream both ways; Zenoti's status, content type, caching and rate-limit headers
 * (`RateLimit-*`, `Organization-RateLimit-Limit`, `Retry-After`) come back, `Set-Cookie` never,
 * with `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox` (a body that is
 * not JSON also gets `Content-Disposition: attachment`). With a rate budget (`rateLimit.budget`)
 * each forwarded call waits for its permit; a client that disconnects ends its own wait.
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
  options: ZenotiProxyOptions,
): MiddlewareHandler<E> {
  const rules = compileAllowList(options?.allow);
  const forward = compileForwardHeaders(options.forwardHeaders);
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string' || !/^(?:\/[\w.~-]+)*$/.test(prefix) || /\/\.\.?(?:\/|$)/.test(prefix)) {
    throw invalidOption('hono', 'prefix', 'must look like "/api/zenoti"');
  }

  return async function zenotiProxy(c) {
    const zenoti = zenotiOf(c, 'zenotiProxy()');
    const url = c.req.url;
    const target = url.slice(url.indexOf('/', url.indexOf('//') + 2)).split('#')[0] as string;
    const query = target.indexOf('?');
    const path = query < 0 ? target : target.slice(0, query);
    const raw = rawTarget(c.env);
    const rawPath = raw?.split(/[?#]/)[0];
    const rawCheck = rawPath === undefined ? undefined : checkPath(rawPath, prefix);
    // The path as received decides if it is refused; else the normalised one (the same, usually).
    const segments =
      typeof rawCheck === 'number' || (rawCheck !== undefined && rawPath === path)
        ? rawCheck
        : checkPath(path, prefix);
    if (segments === 400) throw httpError(400, 'BAD_PATH', 'This path is not allowed.');
    if (segments === 404) throw httpError(404, 'NOT_FOUND', 'Not found.');

    const method = c.req.method;
    const verdict = allowed(rules, method, segments);
    if (verdict !== true) {
      if (verdict.length === 0) throw httpError(404, 'NOT_FOUND', 'Not found.');
      throw httpError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed.', { allow: verdict.join(', ') });
    }

    const headers = forwardedHeaders(c.req.raw.headers, forward);
    const body = method === 'GET' || method === 'HEAD' ? null : c.req.raw.body;
    let res: Response;
    try {
      // A path, which core puts under the configured base URL: the host is never the client's choice
      // (every segment is non-empty and encoded, so the path cannot read as `//host` or `scheme:`).
      res = await zenoti.fetch(
        `/${segments.map(encodeURIComponent).join('/')}${query < 0 ? '' : target.slice(query)}`,
        {
          method,
          headers,
          body,
          signal: c.req.raw.signal,
          // Core hands a 3xx back as it is instead of following it (to another host, maybe).
          redirect: 'manual',
          ...(body ? { duplex: 'half' } : {}),
        } as RequestInit,
      );
    } catch (error) {
      if (error instanceof HTTPException) throw error;
      throw httpError(502, 'UPSTREAM', 'Zenoti could not be reached.');
    }
    // A redirect is never followed nor passed on (its Location could send the browser anywhere);
    // 304 Not Modified is no redirect but the answer to a conditional request.
    if (res.status >= 300 && res.status < 400 && res.status !== 304) {
      await res.body?.cancel().catch(() => undefined);
      throw httpError(502, 'UPSTREAM_REDIRECT', 'Zenoti answered with a redirect, which is not followed.');
    }
    return new Response(res.body, { status: res.status, headers: relayedHeaders(res.headers) });
  };
}
