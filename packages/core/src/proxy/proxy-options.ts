import type { ZenotiProxyFairShare } from './fair-share.ts';

/**
 * Options of `createZenotiProxy()` (and of each adapter's `zenotiProxy()`). `F` is the framework's
 * own request object (Hono's `Context`, Express's `req`), which `clientAddress` receives.
 */
export interface ZenotiProxyOptions<F = Request> {
  /**
   * **Required.** What the browser may reach: `'METHOD /path'` entries such as `'GET /v1/centers'`,
   * `'GET /v1/centers/:id/services'` or `'GET /v1/centers/*'`. A bare `:name` matches one Zenoti
   * id (a GUID, any case), so `'GET /v1/guests/:id'` never forwards `/v1/guests/search`;
   * `:name{pattern}` (Hono's syntax) matches one segment that the whole pattern matches, e.g.
   * `:code{[A-Z0-9]+}`. A final `*` matches one or more segments. Literal segments match
   * case-insensitively; `GET` also allows `HEAD`. A bad pattern is `INVALID_OPTIONS`. A pattern
   * or `*` that also matches one of Zenoti's words (`search`) is told to `onWarning` at the first
   * request forwarded with the app's own credential (API key or service user): the proxy learns
   * the credential per request.
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
   * The client's address, for `fairShare` when a request has no principal. By default the address
   * the adapter knows (the socket's on Node, `CF-Connecting-IP` on Cloudflare Workers), never
   * `X-Forwarded-For`: behind your own load balancer, read the address it sets. A request with
   * neither a principal nor an address is not limited (told once to `onWarning`).
   */
  clientAddress?: ((from: F) => string | undefined) | undefined;
  /** Receives the proxy's warnings (never a secret). @default console.warn */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * Zenoti for one request, as the adapter's middleware binds it (Hono's `c.var.zenoti`, Express's
 * `req.zenoti`): `fetch` sends with the request's credential and fails with a `ZenotiAuthError`.
 */
export interface ZenotiForRequest {
  /** A path under Zenoti's base URL, e.g. `/v1/centers?page=2`. */
  fetch(input: string, init: RequestInit): Promise<Response>;
  /** Whose token: the end user's principal, or `undefined` for the app's own credential. */
  readonly principal: string | undefined;
}

/** What the adapter tells `handle()` about one request, besides the `Request` itself. */
export interface ZenotiProxyContext<F = Request> {
  /** Zenoti bound to this request (its credential and principal). */
  zenoti: ZenotiForRequest;
  /** The framework's own request object, handed to `clientAddress`. */
  from: F;
  /**
   * The client's address as the server knows it (the socket's; on Workers `CF-Connecting-IP`),
   * never from a header a client can set; used when the options have no `clientAddress`. Read
   * only when needed: a getter is fine.
   */
  address?: string | undefined;
  /**
   * The request target exactly as received, when the runtime keeps it (Node's `req.url`, before
   * `new URL()` resolves `..`): checked as well, so `/a/../b` is refused even when the URL says `/b`.
   */
  rawTarget?: string | undefined;
  /** Ends the call to Zenoti (and its wait for a permit) when the client leaves. @default request.signal */
  signal?: AbortSignal | undefined;
}

/** A proxy made by `createZenotiProxy()`. */
export interface ZenotiProxy<F = Request> {
  /**
   * Answers one request: Zenoti's answer relayed, or an error answer (`errorAnswerOf()` reads it).
   * Never rejects for a request's failure, only for a programming error.
   */
  handle(request: Request, context: ZenotiProxyContext<F>): Promise<Response>;
}
