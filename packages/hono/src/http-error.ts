import type { ZenotiAuthError, ZenotiAuthErrorCode } from '@zenoti-auth/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZenotiContext } from './types.ts';

// The adapter's own answers (the proxy's, the sign-in's); a `ZenotiAuthError` becomes one in errors.ts.

/** The codes of the adapter's own answers, besides core's: the proxy's, then the sign-in's. */
export type ZenotiHonoErrorCode =
  | 'BAD_PATH'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UPSTREAM'
  | 'UPSTREAM_REDIRECT'
  | 'TOO_MANY_REQUESTS'
  | 'BAD_REQUEST'
  | 'CROSS_SITE'
  | 'TOO_MANY_SIGN_INS';

/**
 * The `HTTPException` every answer of the adapter is (see `isZenotiHTTPException`): its response is
 * `{ "error": { "code", "message" } }` as JSON, `message` the fixed public one.
 */
export interface ZenotiHTTPException extends HTTPException {
  readonly name: 'ZenotiHTTPException';
  /** The `code` of the body: core's (`NETWORK`, `LOGIN_REQUIRED` …) or the adapter's own (`UPSTREAM` …). */
  readonly code: ZenotiAuthErrorCode | ZenotiHonoErrorCode;
  /** The `ZenotiAuthError` it answers, with the details for your logs; `undefined` for the adapter's own answers. */
  readonly cause: ZenotiAuthError | undefined;
}

/** A `ZenotiHTTPException`: the response is `{ "error": { "code", "message" } }` as JSON. */
export function httpError(
  status: ContentfulStatusCode,
  code: ZenotiHTTPException['code'],
  message: string,
  headers?: Record<string, string>,
  cause?: ZenotiAuthError,
): ZenotiHTTPException {
  const res = new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
  // Told apart by its name, as core's errors are: each entry (index, proxy, sign-in) is built on its
  // own, so a class of ours would be a different class in each, and `instanceof` would miss.
  return Object.assign(new HTTPException(status, { res, message, cause }), {
    name: 'ZenotiHTTPException',
    code,
  }) as ZenotiHTTPException;
}

/**
 * Whether `value` is an answer of this adapter: what `c.var.zenoti.fetch()` and `authorization()`
 * throw, and what the proxy and the sign-in handlers answer with. An `HTTPException` (Hono's
 * `onError` answers it with `getResponse()`), with the body's `code` and the `ZenotiAuthError` as
 * `cause`.
 *
 * @example
 * ```ts
 * try {
 *   return c.json(await (await c.var.zenoti.fetch('/v1/centers')).json())
 * } catch (error) {
 *   if (isZenotiHTTPException(error) && error.code === 'RATE_LIMITED') return c.json(cachedCenters)
 *   throw error
 * }
 * ```
 */
export function isZenotiHTTPException(value: unknown): value is ZenotiHTTPException {
  return value instanceof Error && value.name === 'ZenotiHTTPException';
}

/** `c.var.zenoti`, or a clear programming error when `zenotiAuth()` is not mounted before `who`. */
export function zenotiOf(c: Context, who: string): ZenotiContext {
  const zenoti = c.get('zenoti') as ZenotiContext | undefined;
  if (!zenoti) throw new Error(`[@zenoti-auth/hono] ${who} needs zenotiAuth() before it on its route.`);
  return zenoti;
}
