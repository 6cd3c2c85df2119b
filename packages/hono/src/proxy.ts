import { invalidOption } from '@zenoti-auth/core';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { allowed, compileAllowList } from './allow-list.ts';
import { defaultClientAddress } from './client-address.ts';
import { fairShare, type ZenotiProxyFairShare } from './fair-share.ts';
import { httpError, zenotiOf } from './http-error.ts';
import { checkPath } from './path-guard.ts';
import { compileForwardHeaders, forwardedHeaders, relayedHeaders } from './proxy-headers.ts';
import type { ZenotiAuthEnv } from './types.ts';

export type { ZenotiProxyFairShare } from './fair-share.ts';

/** Options of `zenotiProxy()`. */
export interface ZenotiProxyOptions<E extends Env = ZenotiAuthEnv> {
  /**
   * **Required.** What the browser may reach: `'METHOD /path'` entries such as `'GET /v1/centers'`,
   * `'GET /v1/centers/:id/services'` or `'GET /v1/centers/*'`. A bare `:name` matches one Zenoti
   * id (a GUID, any case), so `'GET /v1/guests/:id'` never forwards `/v1/guests/search`;
   * `:name{pattern}` (Hono's syntax) matches one segment that the whole pattern matches, e.g.
   * `:code{[A-Z0-9]+}`. A final `*` matches one or more segments. Literal segments match
   * case-insensitively; `GET` also allows `HEAD`. A bad pattern is `INVALID_OPTIONS`. A pattern
   * or `*` that also matches one of Zenoti's words (`search`) is told to `onWarning` at the first
   * request forwarded with the app's own credential (API key or service user): the proxy learns
   * the credential per request, from `c.var.zenoti`.
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
  /**
   * Each client's share: at most `perClient` requests of one client (its signed-in principal, else
   * its address) wait for a rate-budget permit or for Zenoti at once; beyond, 429 `TOO_MANY_REQUESTS`
   * with `Retry-After: 1`, before anything is sent. So a burst from one client queues at most that
   * many calls ahead of anyone else's. `false` turns it off (e.g. when a gateway limits clients).
   * @default { perClient: 8, maxClients: 10000 }
   */
  fairShare?: ZenotiProxyFairShare | false | undefined;
  /**
   * The client's address, for `fairShare` when a request has no principal. By default the socket's
   * address on Node (`@hono/node-server`) and `CF-Connecting-IP` on Cloudflare Workers, never
   * `X-Forwarded-For`: behind your own load balancer, read the address it sets. A request with
   * neither a principal nor an address is not limited (told once to `onWarning`).
   */
  clientAddress?: ((c: Context<E & ZenotiAuthEnv>) => string | undefined) | undefined;
  /** Receives the proxy's warnings (never a secret). @default console.warn */
  onWarning?: ((message: string) => void) | undefined;
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
 * anything is sent; paths off the list 404 (a bare `:id` matches a Zenoti id, a GUID, only), a
 * listed path with another method 405 (`Allow` names
 * the methods). A redirect from Zenoti is never followed: it is answered 502 `UPSTREAM_REDIRECT`.
 * Bodies stream both ways; Zenoti's status, content type, caching and rate-limit headers
 * (`RateLimit-*`, `Organization-RateLimit-Limit`, `Retry-After`) come back, `Set-Cookie` never,
 * with `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox` (a body that is
 * not JSON also gets `Content-Disposition: attachment`). With a rate budget (`rateLimit.budget`)
 * each forwarded call waits for its permit; a client that disconnects ends its own wait, and a
 * client past its `fairShare` is answered 429 at once, so that one client's burst cannot make the
 * others wait out their `maxWaitMs`.
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
  const rules = compileAllowList(options?.allow);
  const forward = compileForwardHeaders(options.forwardHeaders);
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string' || !/^(?:\/[\w.~-]+)*$/.test(prefix) || /\/\.\.?(?:\/|$)/.test(prefix)) {
    throw invalidOption('hono', 'prefix', 'must look like "/api/zenoti"');
  }
  const enterShare = fairShare(options.fairShare);
  const clientAddress = options.clientAddress ?? defaultClientAddress;
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  if (typeof clientAddress !== 'function') throw invalidOption('hono', 'clientAddress', 'must be a function');
  if (typeof warn !== 'function') throw invalidOption('hono', 'onWarning', 'must be a function');
  // Said once each, at the first request concerned (see `allow` and `clientAddress`).
  let wide = rules.filter((rule) => rule.wide).map((rule) => `'${rule.entry}'`);
  let addressless = true;

  /** A slot in the client's share (a function that gives it back), `undefined` if unlimited; else a 429. */
  const takeSlot = (c: Context, principal: string | undefined): (() => void) | undefined => {
    if (!enterShare) return undefined;
    // The signed-in user, else the address: a user is one client from any address.
    const address = principal === undefined ? clientAddress(c as never) : undefined;
    const client = principal === undefined ? address && `a:${address}` : `p:${principal}`;
    if (!client) {
      if (addressless) {
        addressless = false;
        warn(
          '[@zenoti-auth/hono] zenotiProxy(): a request without a client address is not limited by fairShare (nor is any other such); set clientAddress.',
        );
      }
      return undefined;
    }
    const leave = enterShare(client);
    if (leave) return leave;
    throw httpError(429, 'TOO_MANY_REQUESTS', 'Too many requests at once; try again shortly.', {
      'retry-after': '1',
    });
  };

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

    // The client's slot, held until Zenoti has answered (its wait for a permit included).
    const leave = takeSlot(c as Context, zenoti.principal);

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
    } finally {
      leave?.();
    }
    // Zenoti answered, so a credential was sent: when it was the app's own, rules that forward
    // more than ids open that much to every browser.
    if (wide.length > 0 && zenoti.principal === undefined) {
      warn(
        `[@zenoti-auth/hono] zenotiProxy(): ${wide.join(', ')} forward more than Zenoti ids (e.g. /search) with the app's own credential (API key or service user), to any browser. Told at the first such request: the proxy learns the credential per request.`,
      );
      wide = [];
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
