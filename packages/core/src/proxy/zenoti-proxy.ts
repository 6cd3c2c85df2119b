import { invalidOption, isZenotiAuthError } from '../errors.ts';
import { allowed, compileAllowList } from './allow-list.ts';
import { answerOf, errorAnswer, type ZenotiHandlerCaller } from './error-answer.ts';
import { fairShare } from './fair-share.ts';
import { checkPath } from './path-guard.ts';
import { compileForwardHeaders, forwardedHeaders, relayedHeaders } from './proxy-headers.ts';
import type { ZenotiProxy, ZenotiProxyContext, ZenotiProxyOptions } from './proxy-options.ts';

const CORE: ZenotiHandlerCaller = { package: 'core', name: 'createZenotiProxy()' };

/** The path and query of `url` (the part after the host), without a fragment; no URL parsing. */
function pathAndQuery(url: string): string {
  return url.slice(url.indexOf('/', url.indexOf('//') + 2)).split('#')[0] as string;
}

/**
 * The segments to forward, or the status to refuse with. The path as received (`rawTarget`)
 * decides if it is refused; else the URL's path (the same, usually; normalised by `new URL()`).
 */
function segmentsOf(path: string, rawTarget: string | undefined, prefix: string): string[] | 400 | 404 {
  const rawPath = rawTarget?.split(/[?#]/)[0];
  const rawCheck = rawPath === undefined ? undefined : checkPath(rawPath, prefix);
  return typeof rawCheck === 'number' || (rawCheck !== undefined && rawPath === path)
    ? rawCheck
    : checkPath(path, prefix);
}

/**
 * A same-origin gateway to Zenoti for the browser, as a Web `Request → Response` handler that each
 * adapter (`@zenoti-auth/hono/proxy`, `@zenoti-auth/express`, `@zenoti-auth/fastify`) wraps. It
 * forwards an allow-list of methods and paths with the request's credential (`context.zenoti`),
 * and an allow-list of request headers (see `forwardHeaders`). The host is never the client's
 * choice: paths with `//`, `\`, `%2f`, `%5c`, `%25`, dot segments (raw or encoded) or control
 * characters get 400 `BAD_PATH` before anything is sent; paths off the list 404, a listed path with
 * another method 405 (`Allow` names the methods). A redirect from Zenoti is never followed: 502
 * `UPSTREAM_REDIRECT`. Bodies stream both ways; Zenoti's status, content type, caching and
 * rate-limit headers come back, `Set-Cookie` never, with `X-Content-Type-Options: nosniff` and
 * `Content-Security-Policy: sandbox` (a body that is not JSON is also an attachment). A client past
 * its `fairShare` gets 429 at once; a client that leaves ends its own call (`context.signal`).
 * A `ZenotiAuthError` is answered from `@zenoti-auth/core/http`; every error answer is
 * `{ "error": { "code", "message" } }`, readable by `errorAnswerOf()`. Bad options throw
 * `INVALID_OPTIONS` naming the option; `caller` names the adapter in errors and warnings.
 *
 * @example
 * ```ts
 * import { createZenotiProxy } from '@zenoti-auth/core/proxy'
 *
 * const proxy = createZenotiProxy({ prefix: '/api/zenoti', allow: ['GET /v1/centers'] })
 * const zenoti = new ZenotiAuth({ apiKey: process.env.ZENOTI_API_KEY! })
 * Bun.serve({
 *   fetch: (request) =>
 *     proxy.handle(request, { from: request, zenoti: { principal: undefined, fetch: (path, init) => zenoti.fetch(path, init) } }),
 * })
 * ```
 */
export function createZenotiProxy<F = Request>(
  options: ZenotiProxyOptions<F>,
  caller: ZenotiHandlerCaller = CORE,
): ZenotiProxy<F> {
  const by = caller.package;
  const rules = compileAllowList(options?.allow, by);
  const forward = compileForwardHeaders(options.forwardHeaders, by);
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string' || !/^(?:\/[\w.~-]+)*$/.test(prefix) || /\/\.\.?(?:\/|$)/.test(prefix)) {
    throw invalidOption(by, 'prefix', 'must look like "/api/zenoti"');
  }
  const enterShare = fairShare(options.fairShare, by);
  const { clientAddress, onWarning: warn = (message: string) => console.warn(message) } = options;
  if (clientAddress !== undefined && typeof clientAddress !== 'function')
    throw invalidOption(by, 'clientAddress', 'must be a function');
  if (typeof warn !== 'function') throw invalidOption(by, 'onWarning', 'must be a function');
  const who = `[@zenoti-auth/${by}] ${caller.name}:`;
  // Said once each, at the first request concerned (see `allow` and `clientAddress`).
  let wide = rules.filter((rule) => rule.wide).map((rule) => `'${rule.entry}'`);
  let addressless = true;

  /** A slot in the client's share: a function that gives it back, `undefined` if unlimited, `false` if full. */
  const takeSlot = (context: ZenotiProxyContext<F>): (() => void) | undefined | false => {
    if (!enterShare) return undefined;
    // The signed-in user, else the address: a user is one client from any address.
    const { principal } = context.zenoti;
    const address =
      principal === undefined ? (clientAddress ? clientAddress(context.from) : context.address) : undefined;
    const client = principal === undefined ? address && `a:${address}` : `p:${principal}`;
    if (client) return enterShare(client) ?? false;
    if (addressless) {
      addressless = false;
      warn(
        `${who} a request without a client address is not limited by fairShare (nor is any other such); set clientAddress.`,
      );
    }
    return undefined;
  };

  return {
    async handle(request, context) {
      const target = pathAndQuery(request.url);
      const query = target.indexOf('?');
      const segments = segmentsOf(query < 0 ? target : target.slice(0, query), context.rawTarget, prefix);
      if (segments === 400) return errorAnswer(400, 'BAD_PATH', 'This path is not allowed.');
      if (segments === 404) return errorAnswer(404, 'NOT_FOUND', 'Not found.');

      const method = request.method;
      const verdict = allowed(rules, method, segments);
      if (verdict !== true) {
        if (verdict.length === 0) return errorAnswer(404, 'NOT_FOUND', 'Not found.');
        return errorAnswer(405, 'METHOD_NOT_ALLOWED', 'Method not allowed.', { allow: verdict.join(', ') });
      }

      // The client's slot, held until Zenoti has answered (its wait for a permit included).
      const leave = takeSlot(context);
      if (leave === false) {
        return errorAnswer(429, 'TOO_MANY_REQUESTS', 'Too many requests at once; try again shortly.', {
          'retry-after': '1',
        });
      }
      const { zenoti } = context;
      const body = method === 'GET' || method === 'HEAD' ? null : request.body;
      let res: Response;
      try {
        // A path, which core puts under the configured base URL: the host is never the client's
        // choice (every segment is non-empty and encoded, so it cannot read as `//host` or `scheme:`).
        res = await zenoti.fetch(
          `/${segments.map(encodeURIComponent).join('/')}${query < 0 ? '' : target.slice(query)}`,
          {
            method,
            headers: forwardedHeaders(request.headers, forward),
            body,
            signal: context.signal ?? request.signal,
            // Core hands a 3xx back as it is instead of following it (to another host, maybe).
            redirect: 'manual',
            ...(body ? { duplex: 'half' } : {}),
          } as RequestInit,
        );
      } catch (error) {
        return isZenotiAuthError(error)
          ? answerOf(error)
          : errorAnswer(502, 'UPSTREAM', 'Zenoti could not be reached.');
      } finally {
        leave?.();
      }
      // Zenoti answered, so a credential was sent: when it was the app's own, rules that forward
      // more than ids open that much to every browser.
      if (wide.length > 0 && zenoti.principal === undefined) {
        warn(
          `${who} ${wide.join(', ')} forward more than Zenoti ids (e.g. /search) with the app's own credential (API key or service user), to any browser. Told at the first such request: the proxy learns the credential per request.`,
        );
        wide = [];
      }
      // A redirect is never followed nor passed on (its Location could send the browser anywhere);
      // 304 Not Modified is no redirect but the answer to a conditional request.
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await res.body?.cancel().catch(() => undefined);
        return errorAnswer(
          502,
          'UPSTREAM_REDIRECT',
          'Zenoti answered with a redirect, which is not followed.',
        );
      }
      return new Response(res.body, { status: res.status, headers: relayedHeaders(res.headers) });
    },
  };
}
