import { isZenotiAuthError } from '@zenoti-auth/core';
import { AxiosError, type AxiosResponse, CanceledError, type InternalAxiosRequestConfig } from 'axios';

/** The `code` of the AxiosError that carries a `ZenotiAuthError` from core as its `cause`. */
export const ERR_ZENOTI_AUTH = 'ERR_ZENOTI_AUTH';

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
