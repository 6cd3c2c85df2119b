import type { Attributes } from '@opentelemetry/api';
import { isZenotiAuthError } from '@zenoti-auth/core';

/** The methods the HTTP semantic conventions know; any other is `_OTHER`. */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

/** The port a scheme implies when the URL names none. */
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** A Zenoti host: `server.address` and `server.port`. */
interface Server {
  address: string;
  port: number;
}

/** `server.address` and `server.port` of a URL's scheme and authority (`https://host:port`). */
function serverOf(origin: string): Server | undefined {
  try {
    const { hostname, port, protocol } = new URL(origin);
    const number = port ? Number(port) : DEFAULT_PORTS[protocol];
    return number === undefined ? undefined : { address: hostname.replace(/^\[|\]$/g, ''), port: number };
  } catch {
    return undefined;
  }
}

/** The last scheme and authority seen, and its server: an app calls one Zenoti host, or two. */
let lastOrigin = '';
let lastServer: Server | undefined;

/**
 * The HTTP client attributes of a call to `url` by `method` (semantic conventions): `url.full` is
 * the URL core hands over, already without its query, fragment or user info (see core's
 * `callInfo`). Those that metrics carry too are the `metric` ones (`url.full` would be one series
 * per path). Each call gets objects of its own, which the span and the metric complete; written
 * out, not spread (a spread costs more than all the rest).
 */
export function callAttributes(method: string, url: string): { span: Attributes; metric: Attributes } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  const origin = slash === -1 ? url : url.slice(0, slash);
  if (origin !== lastOrigin) {
    lastOrigin = origin;
    lastServer = serverOf(origin);
  }
  const known = KNOWN_METHODS.has(method);
  const common = (): Attributes => {
    const attributes: Attributes = { 'http.request.method': known ? method : '_OTHER' };
    if (lastServer) {
      attributes['server.address'] = lastServer.address;
      attributes['server.port'] = lastServer.port;
    }
    return attributes;
  };
  const span = common();
  span['url.full'] = url;
  if (!known) span['http.request.method_original'] = method;
  return { span, metric: common() };
}

/** The span name of a call: its method, as the conventions name HTTP client spans (`HTTP` for an unknown one). */
export const spanName = (method: string): string => (KNOWN_METHODS.has(method) ? method : 'HTTP');

/** The HTTP status an error carries: an axios error's response, a ZenotiAuthError's own status. */
export function statusOf(value: unknown): number | undefined {
  const status =
    (value as { status?: unknown } | undefined)?.status ??
    (value as { response?: { status?: unknown } } | undefined)?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * `error.type` of an operation (low cardinality, never a message): the code of the `ZenotiAuthError`
 * it failed with (also as the `cause` of an axios error: `ERR_ZENOTI_AUTH`), else the status of an
 * answer ≥ 400, else an error's own code (`ECONNREFUSED`, `ERR_NETWORK` …), else `_OTHER`.
 */
export function errorType(error: unknown, status: number | undefined): string | undefined {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const zenoti = isZenotiAuthError(error) ? error : isZenotiAuthError(cause) ? cause : undefined;
  if (zenoti) return zenoti.code;
  if (status !== undefined && status >= 400) return String(status);
  if (error === undefined) return undefined;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z\d_]*$/.test(code) ? code : '_OTHER';
}
