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
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/**
 * The HTTP client attributes of a call to `url` by `method` (semantic conventions): `url.full` is
 * the URL core hands over, already without its query, fragment or user info (see core's
 * `callInfo`). Those that metrics carry too are the `metric` ones (`url.full` would be one series
 * per path).
 */
export function callAttributes(method: string, url: string): { span: Attributes; metric: Attributes } {
  const metric: Attributes = KNOWN_METHODS.has(method)
    ? { 'http.request.method': method }
    : { 'http.request.method': '_OTHER' };
  const server = /^([a-z][a-z\d+.-]*):\/\/(\[[^\]]*\]|[^/:]*)(?::(\d+))?/i.exec(url);
  if (server) {
    const [, scheme = '', host = '', port] = server;
    metric['server.address'] = host.replace(/^\[|\]$/g, '');
    const number = port ? Number(port) : DEFAULT_PORTS[scheme.toLowerCase()];
    if (number !== undefined) metric['server.port'] = number;
  }
  const span: Attributes = { ...metric, 'url.full': url };
  if (metric['http.request.method'] === '_OTHER') span['http.request.method_original'] = method;
  return { span, metric };
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
  return typeof code === 'string' && /^[A-Z][A-Z\d_]{0,63}$/.test(code) ? code : '_OTHER';
}
