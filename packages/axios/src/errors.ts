import { isZenotiAuthError, type ZenotiAuthError } from '@zenoti-auth/core';
import {
  AxiosError,
  type AxiosResponse,
  CanceledError,
  type InternalAxiosRequestConfig,
  isAxiosError,
} from 'axios';

/** The `code` of the AxiosError that carries a `ZenotiAuthError` from core as its `cause`. */
export const ERR_ZENOTI_AUTH = 'ERR_ZENOTI_AUTH';

/** An `AxiosError` with code `ERR_ZENOTI_AUTH`: the request failed for want of a credential or a permit. */
export type ZenotiAxiosError<T = unknown, D = unknown> = AxiosError<T, D> & {
  code: typeof ERR_ZENOTI_AUTH;
  /** Why: core's error, with its `code` (`CREDENTIALS_REJECTED`, `RATE_LIMITED` …), `status`, `retryAfterMs`. */
  cause: ZenotiAuthError;
};

/**
 * Whether `value` is the `AxiosError` this adapter rejects with when core could not produce a
 * credential or a permit (code `ERR_ZENOTI_AUTH`, the `ZenotiAuthError` as `cause`). A request
 * whose own signal aborted it is axios' `CanceledError` instead (`axios.isCancel(error)`), whether
 * it was waiting for a token or already sent.
 *
 * @example
 * try {
 *   await zenoti.get('/v1/centers');
 * } catch (error) {
 *   if (isZenotiAxiosError(error) && error.cause.code === 'RATE_LIMITED') retryIn(error.cause.retryAfterMs);
 * }
 */
export function isZenotiAxiosError<T = unknown, D = unknown>(
  value: unknown,
): value is ZenotiAxiosError<T, D> {
  return isAxiosError(value) && value.code === ERR_ZENOTI_AUTH && isZenotiAuthError(value.cause);
}

/**
 * The one place where core's errors become axios errors. A `ZenotiAuthError` (no credential could be
 * had: `CREDENTIALS_REJECTED`, `LOGIN_REQUIRED`, `TOKEN_ENDPOINT` …) becomes an `AxiosError` with
 * code `ERR_ZENOTI_AUTH`, a message that names the core code, and the ZenotiAuthError as `cause`;
 * `ABORTED` (the request's own signal) becomes axios' `CanceledError`. Anything else passes unchanged.
 */
export function toAxiosError(
  error: unknown,
  config: InternalAxiosRequestConfig,
  response?: AxiosResponse,
): unknown {
  if (!isZenotiAuthError(error)) return error;
  const message = `[@zenoti-auth/axios] ${error.code}: ${error.message.replace(/^\[@zenoti-auth\/core\] /, '')}`;
  const wrapped =
    error.code === 'ABORTED'
      ? new CanceledError(message, config)
      : new AxiosError(message, ERR_ZENOTI_AUTH, config, response?.request, response);
  Object.defineProperty(wrapped, 'cause', { value: error, writable: true, configurable: true });
  return wrapped;
}
