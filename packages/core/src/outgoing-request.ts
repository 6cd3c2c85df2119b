import type { ResolvedOptions } from './options.ts';

// The request `fetch()` sends: where to (`urlOf`) and as what (`outgoing`); zenoti-fetch.ts sends it.

/** A bodiless request for the global fetch, kept as `fetch(url, init)` takes it (see `outgoing`). */
export interface PlainRequest {
  readonly url: string;
  readonly init: RequestInit & { headers: Headers; redirect: 'manual' };
}

/**
 * The URL `fetch()` sends `input` to. Paths go under the base URL; absolute and protocol-relative
 * URLs (`//host`, and `/\host`, which URL parsers read the same way) keep their own origin, which
 * `zenotiFetch` then checks.
 */
export function urlOf(o: ResolvedOptions, input: string | URL | Request): string {
  if (input instanceof Request) return input.url;
  const text = String(input);
  return /^[a-z][a-z\d+.-]*:|^[\\/]{2}/i.test(text)
    ? new URL(text, `${o.baseUrl}/`).href
    : `${o.baseUrl}${text.startsWith('/') ? '' : '/'}${text}`;
}

/**
 * The request `fetch()` sends to `url` (from `urlOf`), with `redirect: 'manual'` (`send` follows
 * redirects itself).
 *
 * The usual call, a request without a body through the global fetch, is not made a Request but kept
 * as `fetch(url, init)` takes it: fetch makes its own Request anyway, and would copy ours, each copy
 * following the abort signal of the one before, which costs more than all the rest of the call. A
 * custom `fetch` always gets one complete Request, and a body needs one to be sent again.
 */
export function outgoing(
  o: ResolvedOptions,
  input: string | URL | Request,
  url: string,
  init: RequestInit & { redirect: 'manual' },
): Request | PlainRequest {
  if (input instanceof Request) return new Request(input, init);
  if (o.fetch !== undefined || init.body != null) return new Request(url, init);
  return { url, init: { ...init, headers: new Headers(init.headers) } };
}
