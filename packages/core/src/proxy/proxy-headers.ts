import { invalidOption } from '../errors.ts';

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
 * Never forwarded, not even when named in `forwardHeaders`. Patterns, not a list of names, so that
 * every vendor's variant is caught (`Fastly-Client-IP`, `X-Azure-ClientIP`, `X-Original-Forwarded-For`…):
 */
const NEVER = [
  // credentials, cookies and the host;
  /^(?:authorization|cookie|host)$/,
  // hop-by-hop headers, HTTP/2's upgrade settings, and what fetch sets itself;
  /^(?:proxy-.*|connection|keep-alive|te|trailers?|transfer-encoding|upgrade|http2-settings|content-length|accept-encoding|expect)$/,
  // who the client is, or what host and scheme it asked for: `Forwarded`, `X-Forwarded-*`, `Via`,
  // `X-Real-IP`, `True-Client-IP`, `CF-Connecting-IP`, `X-Azure-ClientIP`, any `…-IP`, `…-Addr`, `…-Host`;
  /forwarded|^via$|^cf-|(?:client|socket|real|remote|user|peer|connecting|originating)-?ip|(?:^|-)(?:ip|ipv[46]|ips|addr|address|host|proto|scheme)(?:-|$)/,
  // and what some servers obey to change the method or the path (`X-HTTP-Method-Override`, `X-Original-URL`…).
  /(?:^|-)method(?:-|$)|^x-(?:original|rewrite|override)-|(?:^|-)(?:url|uri)$/,
];

/** An HTTP header name (an RFC 9110 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** The request headers to forward: the defaults plus `extra` (checked at start-up, lower-cased). */
export function compileForwardHeaders(extra: unknown, by: string): string[] {
  if (extra === undefined) return FORWARD;
  if (!Array.isArray(extra)) throw invalidOption(by, 'forwardHeaders', 'must list header names');
  const names = extra.map((name: unknown, i) => {
    const field = `forwardHeaders[${i}]`;
    const lower = typeof name === 'string' ? name.toLowerCase() : '';
    if (!TOKEN.test(lower)) throw invalidOption(by, field, 'is not a header name');
    if (NEVER.some((pattern) => pattern.test(lower)))
      throw invalidOption(by, field, `names "${lower}", which is never forwarded`);
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
