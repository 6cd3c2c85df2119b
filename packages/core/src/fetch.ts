import { ZenotiAuthError } from './errors.ts';
import type { Emitter } from './events.ts';
import type { ResolvedOptions } from './options.ts';
import { rateLimitEvent } from './rate-limit.ts';
import { parseRetryAfter, sleep } from './time.ts';

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

export interface FetchDeps {
  options: ResolvedOptions;
  events: Emitter;
  mode: 'apiKey' | 'token';
  authorization(principal: string | undefined, signal: AbortSignal | undefined): Promise<string>;
  invalidate(header: string, principal: string | undefined): Promise<boolean>;
  accepted(header: string): void;
  isAllowedUrl(url: URL): boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** Resolves a path against the base URL; absolute and protocol-relative inputs keep their own origin. */
export function resolveUrl(input: string, baseUrl: string): URL {
  if (/^[a-z][a-z\d+.-]*:/i.test(input) || /^[\\/]{2}/.test(input)) return new URL(input, `${baseUrl}/`);
  return new URL(`${baseUrl}${input.startsWith('/') ? '' : '/'}${input}`);
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Nothing to free.
  }
}

/**
 * Sends `request`, following redirects by hand so that every hop is checked: the credential goes
 * only to allowed origins, and is dropped as soon as a redirect leaves them.
 */
async function send(deps: FetchDeps, request: Request, header: string | undefined): Promise<Response> {
  const doFetch = deps.options.fetch ?? globalThis.fetch;
  let current = request;
  for (let hop = 0; ; hop++) {
    const url = new URL(current.url);
    const headers = new Headers(current.headers);
    if (header !== undefined && deps.isAllowedUrl(url)) headers.set('authorization', header);
    else if (header !== undefined) headers.delete('authorization');
    const response = await doFetch(new Request(current.clone(), { headers, redirect: 'manual' }));
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || location === null || request.redirect !== 'follow')
      return response;
    if (hop >= MAX_REDIRECTS) throw new TypeError('[@zenoti-auth/core] Too many redirects.');
    await discard(response);
    const next = new URL(location, url);
    const keepBody = response.status === 307 || response.status === 308;
    const method =
      keepBody || current.method === 'HEAD'
        ? current.method
        : current.method === 'POST' || response.status === 303
          ? 'GET'
          : current.method;
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
      method,
      headers: nextHeaders,
      body: keepBody ? current.body : null,
      redirect: 'manual',
      signal: current.signal,
      ...(keepBody && current.body ? { duplex: 'half' } : {}),
    } as RequestInit);
    // Credentials follow only to allowed origins; the request's own Authorization never leaves its origin.
    if (!deps.isAllowedUrl(next)) header = undefined;
  }
}

/** The engine's `fetch`: authenticate, retry once after 401, wait out 429 within budget. */
export async function authorizedFetch(
  deps: FetchDeps,
  input: string | URL | Request,
  init: ZenotiRequestInit = {},
): Promise<Response> {
  const { zenoti, ...requestInit } = init;
  const { options, events } = deps;
  const url = input instanceof Request ? new URL(input.url) : resolveUrl(String(input), options.baseUrl);
  const base = input instanceof Request ? new Request(input, requestInit) : new Request(url, requestInit);
  const principal = zenoti?.principal;
  const allowed = deps.isAllowedUrl(url);
  const authenticate = allowed && zenoti?.skip !== true;
  const signal = base.signal;

  let header = authenticate ? await deps.authorization(principal, signal) : undefined;
  let retried401 = false;
  let limited = 0;
  for (;;) {
    const response = await send(deps, base.clone(), header);
    const fromZenoti = deps.isAllowedUrl(new URL(response.url || url.href));
    if (!fromZenoti) return response;
    if (response.headers.has('ratelimit-remaining') && response.status !== 429) {
      events.emit(rateLimitEvent(response, undefined, false));
    }
    if (response.status === 401 && header !== undefined) {
      await discard(response);
      if (retried401) {
        throw new ZenotiAuthError(
          'UNAUTHORIZED',
          'Zenoti answered 401 even after a retry with a fresh credential.',
          {
            status: 401,
          },
        );
      }
      retried401 = true;
      const rejected = header;
      await deps.invalidate(rejected, principal);
      header = await deps.authorization(principal, signal);
      if (header === rejected) {
        throw new ZenotiAuthError(
          'UNAUTHORIZED',
          deps.mode === 'apiKey'
            ? 'Zenoti rejected the API key (401).'
            : 'Zenoti answered 401 and no newer credential is available.',
          { status: 401 },
        );
      }
      continue;
    }
    if (response.status === 429 && options.rateLimit !== false) {
      const waitMs = parseRetryAfter(response.headers.get('retry-after'), options.now()) ?? 1_000;
      const retrying = limited < options.rateLimit.maxRetries && waitMs <= options.rateLimit.maxWaitMs;
      events.emit(rateLimitEvent(response, waitMs, retrying));
      await discard(response);
      if (!retrying) {
        throw new ZenotiAuthError(
          'RATE_LIMITED',
          `Zenoti rate limit reached; retry after ${Math.ceil(waitMs / 1000)} s.`,
          {
            status: 429,
            retryAfterMs: waitMs,
          },
        );
      }
      limited++;
      await sleep(waitMs, signal);
      continue;
    }
    if (header !== undefined && response.status !== 401) deps.accepted(header);
    return response;
  }
}
