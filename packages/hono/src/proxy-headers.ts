import { invalidOption } from '@zenoti-auth/core';

/**
 * Request headers the proxy forwards by default (an allow-list: anything else stays here):
 * content negotiation, the body's type, conditional requests and caching directives.
 */
const FORWARD = [
  'accept',
  'accept-language',
  'content-type',
  'if-none-match',
  'if-modified-since',
  'cache-control',
];

/**
 * Never forwarded, not even when named in `forwardHeaders`: credentials and cookies, the host,
 * hop-by-hop headers, what fetch sets itself, and the headers some servers obey to change the
 * method (`X-HTTP-Method-Override`…), the path (`X-Original-URL`, `X-Rewrite-URL`) or who the
 * client is (`Forwarded`, `X-Forwarded-*`, `True-Client-IP`, `CF-Connecting-IP`…).
 */
const NEVER =
  /^(?:authorization|cookie|host|proxy-.*|connection|keep-alive|te|trailer|transfer-encoding|upgrade|content-length|accept-encoding|expect|forwarded|x-forwarded-.*|x-real-ip|x-http-method.*|x-method-override|x-original-.*|x-rewrite-url|x-override-url|x-host|true-client-ip|client-ip|x-client-ip|x-cluster-client-ip|x-originating-ip|x-remote-(?:ip|addr)|fastly-client-ip|cf-.*)$/;

/** An HTTP header name (an RFC 9110 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** The request headers to forward: the defaults plus `extra` (checked at start-up, lower-cased). */
export function compileForwardHeaders(extra: unknown): string[] {
  if (extra === undefined) return FORWARD;
  if (!Array.isArray(extra)) throw invalidOption('hono', 'forwardHeaders', 'must list header names');
  const names = extra.map((name: unknown, i) => {
    const field = `forwardHeaders[${i}]`;
    const lower = typeof name === 'string' ? name.toLowerCase() : '';
    if (!TOKEN.test(lower)) throw invalidOption('hono', field, 'is not a header name');
    if (NEVER.test(lower)) throw invalidOption('hono', field, `names "${lower}", which is never forwarded`);
    return lower;
  });
  return [...new Set([...FORWARD, ...names])];
}

/**
 * The upstream request's headers: the listed ones the browser sent, except those its `Connection`
 * names. A plain record, as fetch copies it into a `Headers` of its own anyway.
 */
export function forwardedHeaders(incoming: Headers, names: readonly string[]): Record<string, string> {
  const connection = incoming.get('connection');
  const hopByHop = connection === null ? [] : connection.toLowerCase().split(/\s*,\s*/);
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = incoming.get(name);
    if (value !== null && !hopByHop.includes(name)) headers[name] = value;
  }
  return headers;
}

/** Response headers passed back; everything else (`Set-Cookie` first of all) is dropped. */
const PASS =
  /^(?:content-type|content-language|cache-control|etag|last-modified|expires|retry-after|ratelimit-.*|organization-ratelimit-limit|api-ratelimit-limit)$/;

/** `application/json` and `application/…+json`, the bodies an app reads with `fetch`. */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * The relayed response's headers. It is served from this app's origin, so the browser must never
 * sniff it or render it as one of this origin's pages: `nosniff` and a sandboxing CSP always, and a
 * body that is not JSON (an HTML error page, say) is a download if someone navigates to it.
 * A plain record (lower-case names), which the Node server writes out as it is.
 */
export function relayedHeaders(upstream: Headers): Record<string, string> {
  const headers: Record<string, string> = {};
  // Names come lower-case and once each (a `Headers` joins repeated values; `Set-Cookie` is not passed).
  upstream.forEach((value, name) => {
    if (PASS.test(name)) headers[name] = value;
  });
  headers['x-content-type-options'] = 'nosniff';
  headers['content-security-policy'] = "default-src 'none'; sandbox";
  if (!JSON_TYPE.test(headers['content-type'] ?? '')) headers['content-disposition'] = 'attachment';
  return headers;
}
