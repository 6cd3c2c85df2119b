type Bag = Record<PropertyKey, unknown>;

/** `value` as an object to read properties from, or `undefined`. */
export const bag = (value: unknown): Bag | undefined =>
  value && typeof value === 'object' ? (value as Bag) : undefined;

/** The fingerprint to show instead of an `Authorization` value, or `undefined` to show it as it is. */
export type Fingerprint = (value: string) => string | undefined;

/**
 * What an error or a response keeps of the request it was made for: a detached copy (method, URL,
 * headers as sent, our credentials as fingerprints). The live request (Node's ClientRequest,
 * follow-redirects' request, a fetch `Request`) must not stay reachable: it leads to its socket and
 * agent, which go on to carry other requests, each with its own `Authorization`.
 */
export class SentRequest {
  declare readonly method: string | undefined;
  /** The URL of the request (for a redirected one, of the last hop). */
  declare readonly url: string | undefined;
  /** Request headers as sent, names in lower case (`getHeader` reads them). */
  declare readonly headers: Record<string, unknown>;

  constructor(request: Bag, fingerprint: Fingerprint) {
    const live = bag(request._currentRequest) ?? request; // follow-redirects: the hop under way
    const sent = live.headers as Iterable<[string, string]> | undefined;
    const headers: Record<string, unknown> =
      typeof live.getHeaders === 'function'
        ? { ...(live.getHeaders as () => Bag)() }
        : typeof sent?.[Symbol.iterator] === 'function'
          ? Object.fromEntries(sent) // a fetch Request's Headers
          : {};
    const value = headers.authorization;
    const shown = typeof value === 'string' ? fingerprint(value) : undefined;
    if (shown !== undefined) headers.authorization = shown;
    Object.assign(this, {
      method: live.method,
      url:
        typeof live.url === 'string'
          ? live.url
          : live.path && `${live.protocol}//${headers.host ?? live.host}${live.path}`,
      headers,
    });
  }

  /** A request header as sent (any case), like `ClientRequest.getHeader`. */
  getHeader(name: string): unknown {
    return this.headers[name.toLowerCase()];
  }
}

/**
 * The request to keep on an error or a response: a `SentRequest` copy of a Node or fetch request.
 * A browser's XMLHttpRequest is kept: it leads to no other request and shows no request header.
 */
export function detachRequest(request: unknown, fingerprint: Fingerprint): unknown {
  const live = bag(request);
  if (!live || live instanceof SentRequest) return request;
  if (typeof XMLHttpRequest === 'function' && live instanceof XMLHttpRequest) return request;
  return new SentRequest(live, fingerprint);
}

/**
 * Keeps `owner[key]` readable and writable (`config.httpAgent` still returns the agent) but out of
 * sight, behind an accessor: `util.inspect` (even with `showHidden`) shows `[Getter/Setter]` without
 * calling it; `JSON.stringify` and axios' `toJSON` skip it unless `enumerable`. Only a plain value
 * is hidden: one hidden already stays as it is.
 */
export function hide(owner: Bag | undefined, key: string, enumerable = false): void {
  const own = owner && Object.getOwnPropertyDescriptor(owner, key);
  if (!own || !('value' in own) || own.value == null) return;
  let value: unknown = own.value;
  Object.defineProperty(owner, key, {
    get: () => value,
    set: (next: unknown) => {
      value = next;
    },
    enumerable,
    configurable: true,
  });
}
