import { ZenotiAuthError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';
import type { RateLimits } from './rate-limits.ts';
import { sleep } from './time.ts';

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
 * Sends `request`, following redirects by hand so that every hop is checked: the credential goes
 * only to allowed origins, and is dropped as soon as a redirect leaves them.
 */
async function send(
  doFetch: typeof fetch,
  allowed: (url: string | URL) => boolean,
  request: Request,
  header: string | undefined,
): Promise<Response> {
  let current = request;
  for (let hop = 0; ; hop++) {
    const headers = new Headers(current.headers);
    if (header !== undefined)
      allowed(current.url) ? headers.set('authorization', header) : headers.delete('authorization');
    // A bodiless request can be reused as it is; one with a body is cloned so a 307/308 can replay it.
    // The fetch gets one complete Request (wrappers that read `input.headers` see the credential).
    const response = await doFetch(
      new Request(current.body ? current.clone() : current, { headers, redirect: 'manual' }),
    );
    const location = response.headers.get('location');
    if (!REDIRECTS.includes(response.status) || location === null || request.redirect !== 'follow')
      return response;
    if (hop >= 10) throw new TypeError('[@zenoti-auth/core] Too many redirects.');
    await discard(response);
    const url = new URL(current.url);
    const next = new URL(location, url);
    const keepBody = response.status > 306;
    const method = current.method;
    const nextHeaders = new Headers(current.headers);
    if (next.origin !== url.origin) {
      nextHeaders.delete('authorization');
      nextHeaders.delete('cookie');
    }
    if (!keepBody) {
      nextHeaders.delete('content-type');
      nextHeaders.delete('content-length');
    }
    current = new Request(next, {
      method:
        keepBody || method === 'HEAD' || (method !== 'POST' && response.status !== 303) ? method : 'GET',
      headers: nextHeaders,
      body: keepBody ? current.body : null,
      redirect: 'manual',
      signal: current.signal,
      ...(keepBody && current.body ? { duplex: 'half' } : {}),
    } as RequestInit);
    // Credentials follow only to allowed origins; the request's own Authorization never leaves its origin.
    if (!allowed(next)) header = undefined;
  }
}

/** The request `fetch()` sends: paths go under the base URL; absolute URLs keep their own origin. */
function toRequest(baseUrl: string, input: string | URL | Request, init: RequestInit): Request {
  if (input instanceof Request) return new Request(input, init);
  const text = String(input);
  // Absolute and protocol-relative inputs keep their own origin; paths go under the base URL.
  if (/^[a-z][a-z\d+.-]*:|^[\\/]{2}/i.test(text)) return new Request(new URL(text, `${baseUrl}/`), init);
  return new Request(`${baseUrl}${text.startsWith('/') ? '' : '/'}${text}`, init);
}

/**
 * A `fetch` that authenticates requests to Zenoti: adds `Authorization` only for allowed origins,
 * retries once after a 401 with a newer credential, and waits out `429 Retry-After` within the
 * rate-limit budget.
 */
export async function zenotiFetch(
  auth: CredentialSource,
  o: ResolvedOptions,
  limits: RateLimits,
  input: string | URL | Request,
  init: ZenotiRequestInit = {},
): Promise<Response> {
  const { zenoti, ...rest } = init;
  const request = toRequest(o.baseUrl, input, rest);
  const principal = zenoti?.principal;
  const signal = request.signal;
  const allowed = (url: string | URL): boolean => auth.isAllowedUrl(url);
  let header =
    zenoti?.skip !== true && allowed(request.url)
      ? await auth.authorization({ principal, signal })
      : undefined;
  for (let retried = false, limited = 0; ; ) {
    await limits.permit('resource', signal);
    const response = await send(o.fetch ?? fetch, allowed, request.body ? request.clone() : request, header);
    if (!allowed(response.url || request.url)) return response;
    const status = response.status;
    if (status === 429) {
      if (o.rateLimit === false) return response;
      await discard(response);
      await sleep(limits.afterResponse(response, limited++), signal);
      continue;
    }
    limits.afterResponse(response, 0);
    if (header === undefined) return response;
    if (status !== 401) {
      auth.accepted(header);
      return response;
    }
    await discard(response);
    const rejected = header;
    if (!retried) {
      await auth.invalidate(rejected, { principal });
      header = await auth.authorization({ principal, signal });
    }
    if (retried || header === rejected)
      throw new ZenotiAuthError(
        'UNAUTHORIZED',
        `Zenoti answered 401 (${retried ? 'again, after a retry with a fresh credential' : auth.mode === 'apiKey' ? 'API key rejected' : 'no newer credential'}).`,
        { status: 401 },
      );
    retried = true;
  }
}
