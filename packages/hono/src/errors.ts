import {
  isZenotiAuthError,
  type ZenotiAuthError,
  type ZenotiAuthErrorCode,
  ZenotiAuthError as ZenotiError,
} from '@zenoti-auth/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZenotiContext } from './types.ts';

/**
 * The one table from core's error codes to HTTP statuses (documented in the README; the same as
 * `@zenoti-auth/nestjs`'s). 502: Zenoti answered, but by refusing or failing; 503: Zenoti or the
 * token store could not be reached (or the call was cancelled); 504: too slow.
 */
const STATUS: Record<ZenotiAuthErrorCode, ContentfulStatusCode> = {
  LOGIN_REQUIRED: 401,
  RATE_LIMITED: 429,
  CREDENTIALS_REJECTED: 502,
  UNAUTHORIZED: 502,
  INVALID_RESPONSE: 502,
  TOKEN_ENDPOINT: 502,
  NETWORK: 503,
  STORE: 503,
  ABORTED: 503,
  TIMEOUT: 504,
  INVALID_OPTIONS: 500,
  ORIGIN_NOT_ALLOWED: 500,
};

/** Fixed public messages: nothing from Zenoti's answer, never a key, password, secret or token. */
const MESSAGE: Record<number, string> = {
  401: 'Sign-in required.',
  429: 'Too many requests to Zenoti; try again later.',
  500: 'Zenoti access is misconfigured.',
  502: 'Zenoti refused or failed the request.',
  503: 'Zenoti is unavailable.',
  504: 'Zenoti did not answer in time.',
};

/** An `HTTPException` whose response is `{ "error": { "code", "message" } }` as JSON. */
export function httpError(
  status: ContentfulStatusCode,
  code: string,
  message: string,
  headers?: Record<string, string>,
  cause?: unknown,
): HTTPException {
  const res = new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return new HTTPException(status, { res, message, cause });
}

/**
 * Turns a `ZenotiAuthError` into Hono's `HTTPException` — the one place where that happens (the
 * status table is `STATUS` above, documented under "Errors" in the README): JSON body
 * `{ "error": { "code", "message" } }` with a fixed message, the original error as `cause` (for
 * your logs), and `Retry-After` for `RATE_LIMITED`. With `signIn: true`, `CREDENTIALS_REJECTED`
 * is the end user's wrong password: 401.
 *
 * @example
 * ```ts
 * app.get('/centers', async (c) => {
 *   try {
 *     return c.json(await (await myEngine.fetch('/v1/centers')).json())
 *   } catch (error) {
 *     if (isZenotiAuthError(error)) throw toHTTPException(error)
 *     throw error
 *   }
 * })
 * ```
 */
export function toHTTPException(error: ZenotiAuthError, signIn = false): HTTPException {
  const { code, retryAfterMs } = error;
  const wrongPassword = signIn && code === 'CREDENTIALS_REJECTED';
  const status = wrongPassword ? 401 : (STATUS[code] ?? 500);
  return httpError(
    status,
    code,
    wrongPassword ? 'Wrong username or password.' : (MESSAGE[status] as string),
    retryAfterMs === undefined ? {} : { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
    error,
  );
}

/** A request without a signed-in user where one is required (`principalFallback: 'refuse'`): 401. */
export function signInRequired(): HTTPException {
  return toHTTPException(new ZenotiError('LOGIN_REQUIRED', 'No signed-in user for this request.'));
}

/** Rethrows `error`, as an `HTTPException` when it is a `ZenotiAuthError`. */
export function rethrow(error: unknown, signIn?: boolean): never {
  throw isZenotiAuthError(error) ? toHTTPException(error, signIn) : error;
}

/** A configuration mistake, thrown at start-up: `INVALID_OPTIONS` naming the field. */
export function invalid(field: string, problem: string): never {
  throw new ZenotiError('INVALID_OPTIONS', `Invalid option "${field}": ${problem}`, { field });
}

/** `c.var.zenoti`, or a clear programming error when `zenotiAuth()` is not mounted before `who`. */
export function zenotiOf(c: Context, who: string): ZenotiContext {
  const zenoti = c.get('zenoti') as ZenotiContext | undefined;
  if (!zenoti) throw new Error(`[@zenoti-auth/hono] ${who} needs zenotiAuth() before it on its route.`);
  return zenoti;
}
