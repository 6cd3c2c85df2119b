import { isZenotiAuthError, safeCause, ZenotiAuthError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';
import { outgoing, type PlainRequest, urlOf } from './outgoing-request.ts';
import type { RateLimits } from './rate-limits.ts';
import { callInfo, instrumentation, observe, waitFor, type ZenotiCallScope } from './telemetry.ts';
import { abortError, sleep } from './time.ts';

/** Per-call zenoti-auth settings, as in the axios and Hono adapters. */
export interface ZenotiCallOptions {
  /** Use this end user's token (a principal from `login()`). */
  principal?: string | undefined;
  /** Send no credential on this call. */
  skip?: boolean | undefined;
}

export interface ZenotiRequestInit extends RequestInit {
  zenoti?: ZenotiCallOptions;
}

/** What `zenotiFetch` needs of the engine: its public credential methods. */
export interface CredentialSource {
  readonly mode: 'apiKey' | 'token';
  authorization(options: {
    principal?: string | undefined;
    signal?: AbortSignal | undefined;
  }): Promise<string>;
  invalidate(rejectedHeaderValue: string, options: { principal?: string | undefined }): Promise<boolean>;
  accepted(headerValue: string): void;
  isAllowedUrl(url: string | URL): boolean;
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {}
}

const REDIRECTS = [301, 302, 303, 307, 308];

/**
 * The typed error of a call that got no answer, in either mode: the caller's signal (`ABORTED`, or
 * `TIMEOUT` for `AbortSignal.timeout()`), else a failed connection (`NETWORK`). What the runtime
 * threw is described, never attached: it can hold request details.
 */
function noAnswer(error: unknown, signal: AbortSignal | undefined): ZenotiAuthError {
  if (isZenotiAuthError(error)) return error;
  if (signal?.aborted)
    return (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError'
      ? new ZenotiAuthError('TIMEOUT', 'Zenoti did not answer within the caller’s AbortSignal.timeout().')
      : abortError();
  return new ZenotiAuthError('NETWORK', 'Zenoti unreachable (connection failed).', {
    cause: safeCause('network error'),
  });
}

/**
 * `fetch()` sends only to Zenoti (the base URL's origin and `allowedOrigins`): a proxy built on it
 * must not become a way to other hosts, with a credential or without. Names the origin refused.
 */
function notAllowed(url: string): ZenotiAuthError {
  let origin = 'an unreadable URL';
  try {
    const parsed = new URL(url);
    origin = parsed.origin === 'null' ? `a ${parsed.protocol} URL` : parsed.origin;
  } catch {}
  return new ZenotiAuthError(
    'INVALID_OPTIONS',
    `fetch() refused ${origin}: not the base URL's origin nor one of "allowedOrigins" (nothing was sent).`,
    { field: 'url' },
  );
}

/**
 * Sends `request`, following redirects by hand (when `follow`) so that every hop is checked: the
 * credential goes only to allowed origins, and is dropped as soon as a redirect leaves them.
 * `request` is left as it was sent, body included, so that the caller can send it again.
 */
async function send(
  doFetch: typeof fetch,
  allowed: (url: string | URL) => boolean,
  request: Request | PlainRequest,
  header: string | undefined,
  follow: boolean,
): Promise<Response> {
  let current = request;
  for (let hop = 0; ; hop++) {
    // `current` was built here or by `outgoing`, never the caller's: its headers can be set in place.
    const headers = current instanceof Request ? current.headers : current.init.headers;
    if (header !== undefined) {
      if (allowed(current.url)) headers.set('authorization', header);
      else headers.delete('authorization');
    }
    // The fetch gets one complete Request (wrappers that read `input.headers` see the credential);
    // one with a body goes as a copy, so that `current` can be sent again (401, 429, 307/308).
    const response = await (current instanceof Request
      ? doFetch(current.body ? current.clone() : current)
      : doFetch(current.url, current.init));
    const location = response.headers.get('location');
    if (!REDIRECTS.includes(response.status) || location === null || !follow) return response;
    if (hop >= 10) throw new ZenotiAuthError('NETWORK', 'Too many redirects.');
    await discard(response);
    // Redirects are rare: the next hop is always a Request, made from this one.
    const from = current instanceof Request ? current : new Request(current.url, current.init);
    const url = new URL(from.url);
    const next = new URL(location, url);
    const keepBody = response.status > 306;
    const method = from.method;
    const nextHeaders = new Headers(from.headers);
    // Our credential is set again at the top of the loop if the next hop may have it; the caller's
    // own Authorization and cookies never leave their origin.
    if (header !== undefined || next.origin !== url.origin) nextHeaders.delete('authorization');
    if (next.origin !== url.origin) nextHeaders.delete('cookie');
    if (!keepBody) {
      nextHeaders.delete('content-type');
      nextHeaders.delete('content-length');
    }
    current = new Request(next, {
      method:
        keepBody || method === 'HEAD' || (method !== 'POST' && response.status !== 303) ? method : 'GET',
      headers: nextHeaders,
      // A copy of the body: `from` may be `request`, which the caller may send again.
      body: keepBody ? from.clone().body : null,
      redirect: 'manual',
      signal: from.signal,
      ...(keepBody && from.body ? { duplex: 'half' } : {}),
    } as RequestInit);
    // Credentials follow only to allowed origins, and once dropped stay dropped.
    if (!allowed(next)) header = undefined;
  }
}

/**
 * A `fetch` that authenticates requests to Zenoti: adds `Authorization` only for allowed origins,
 * retries once after a 401 with a newer credential, and waits out `429 Retry-After` within the
 * rate-limit budget. When an instrumentation package listens (see telemetry.ts) and records the
 * call, it runs in a scope of its own; not `async`, so that the caller awaits the scope's end
 * directly.
 */
export function zenotiFetch(
  auth: CredentialSource,
  o: ResolvedOptions,
  limits: RateLimits,
  input: string | URL | Request,
  init: ZenotiRequestInit = {},
): Promise<Response> {
  // The request's own URL is checked once, before anything is built or sent (a caller's Request
  // keeps its body); any other (a redirect hop, which then gets no credential) when it comes.
  let url: string;
  try {
    url = urlOf(o, input);
    if (!auth.isAllowedUrl(url)) throw notAllowed(url);
  } catch (error) {
    return Promise.reject(error); // refused before anything is sent: no call to follow
  }
  const call = instrumentation()?.call(
    callInfo(init.method ?? (input instanceof Request ? input.method : 'GET'), url),
  );
  return call
    ? observe(call, () => exchange(auth, o, limits, input, url, init, call))
    : exchange(auth, o, limits, input, url, init);
}

/** The call of `zenotiFetch` to `url` (checked there); `scope`: the listener's, when it records the call. */
async function exchange(
  auth: CredentialSource,
  o: ResolvedOptions,
  limits: RateLimits,
  input: string | URL | Request,
  url: string,
  init: ZenotiRequestInit,
  scope?: ZenotiCallScope,
): Promise<Response> {
  const { zenoti, ...rest } = init;
  // The request goes out with `redirect: 'manual'` so that `send` checks every hop itself; the
  // caller's own mode says whether it follows them. It is built once, and sent (or copied) as it is.
  const follow = (rest.redirect ?? (input instanceof Request ? input.redirect : 'follow')) === 'follow';
  const request = outgoing(o, input, url, { ...rest, redirect: 'manual' });
  const principal = zenoti?.principal;
  const signal = (request instanceof Request ? request.signal : request.init.signal) ?? undefined;
  const target = request.url;
  const allowed = (url: string | URL): boolean => url === target || auth.isAllowedUrl(url);
  const authorize = zenoti?.skip !== true;
  const doFetch = o.fetch ?? fetch;
  // Each hop of each attempt, inside the scope's `send` (an HTTP instrumentation would trace it twice).
  const sender: typeof fetch = scope ? (input, init) => scope.send(doFetch, input, init) : doFetch;
  let header: string | undefined;
  for (let retried = false, limited = 0; ; ) {
    // With a rate budget, every call (a retry too) waits for its permit first, and only then reads
    // its credential: a refresh while it waited would have killed a token read before.
    const permit = waitFor(limits.permit('resource', signal), scope);
    if (permit) await permit;
    if (authorize) header = await auth.authorization({ principal, signal });
    let response: Response;
    try {
      response = await send(sender, allowed, request, header, follow);
    } catch (error) {
      throw noAnswer(error, signal);
    }
    if (!allowed(response.url || target)) return response;
    const status = response.status;
    if (status === 429) {
      if (o.rateLimit === false) return response;
      await discard(response);
      await sleep(limits.afterResponse(response, limited++), signal);
      scope?.resend();
      continue;
    }
    limits.afterResponse(response, 0);
    if (header === undefined) return response;
    if (status !== 401) {
      auth.accepted(header);
      return response;
    }
    await discard(response);
    // One retry, and only with a newer credential (checked before it takes a permit of its own).
    if (!retried) {
      await auth.invalidate(header, { principal });
      if ((await auth.authorization({ principal, signal })) !== header) {
        retried = true;
        scope?.resend();
        continue;
      }
    }
    throw new ZenotiAuthError(
      'UNAUTHORIZED',
      `Zenoti answered 401 (${retried ? 'again, after a retry with a fresh credential' : auth.mode === 'apiKey' ? 'API key rejected' : 'no newer credential'}).`,
      { status: 401 },
    );
  }
}
