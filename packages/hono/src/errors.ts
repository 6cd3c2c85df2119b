import { isZenotiAuthError, type ZenotiAuthError, ZenotiAuthError as ZenotiError } from '@zenoti-auth/core';
import { httpAnswerOf } from '@zenoti-auth/core/http';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { httpError, type ZenotiHTTPException } from './http-error.ts';

/**
 * Turns a `ZenotiAuthError` into Hono's `HTTPException` — the one place where that happens. The
 * status, the fixed public message and `Retry-After` (whole seconds, at least 1) come from
 * `@zenoti-auth/core/http`, the contract every adapter shares (documented under "Errors" in the
 * README); this shapes them as the JSON body `{ "error": { "code", "message" } }`, with the code as
 * `code` and the original error as `cause` (for your logs): a `ZenotiHTTPException`, which
 * `isZenotiHTTPException` recognises. With `signIn: true`, `CREDENTIALS_REJECTED` is the end
 * user's wrong password: 401.
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
export function toHTTPException(error: ZenotiAuthError, signIn = false): ZenotiHTTPException {
  const { status, message, retryAfterSeconds } = httpAnswerOf(error, { endUser: signIn });
  return httpError(
    status as ContentfulStatusCode,
    error.code,
    message,
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    error,
  );
}

/** A request without a signed-in user where one is required (`principalFallback: 'refuse'`): 401. */
export function signInRequired(): ZenotiHTTPException {
  return toHTTPException(new ZenotiError('LOGIN_REQUIRED', 'No signed-in user for this request.'));
}

/** Rethrows `error`, as an `HTTPException` when it is a `ZenotiAuthError`. */
export function rethrow(error: unknown, signIn?: boolean): never {
  throw isZenotiAuthError(error) ? toHTTPException(error, signIn) : error;
}
