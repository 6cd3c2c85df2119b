import { HttpException, HttpStatus } from '@nestjs/common';
import { isZenotiAuthError, type ZenotiAuthError, type ZenotiAuthErrorCode } from '@zenoti-auth/core';

/**
 * The one place where core's error codes become HTTP statuses. 502: Zenoti answered, but wrongly or by
 * refusing this server's credentials; 503: Zenoti or the token store could not be reached; 504: too slow.
 */
export const ZENOTI_AUTH_ERROR_STATUS: Readonly<Record<ZenotiAuthErrorCode, number>> = Object.freeze({
  LOGIN_REQUIRED: HttpStatus.UNAUTHORIZED,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  CREDENTIALS_REJECTED: HttpStatus.BAD_GATEWAY,
  UNAUTHORIZED: HttpStatus.BAD_GATEWAY,
  TOKEN_ENDPOINT: HttpStatus.BAD_GATEWAY,
  INVALID_RESPONSE: HttpStatus.BAD_GATEWAY,
  NETWORK: HttpStatus.SERVICE_UNAVAILABLE,
  STORE: HttpStatus.SERVICE_UNAVAILABLE,
  ABORTED: HttpStatus.SERVICE_UNAVAILABLE,
  TIMEOUT: HttpStatus.GATEWAY_TIMEOUT,
  INVALID_OPTIONS: HttpStatus.INTERNAL_SERVER_ERROR,
  ORIGIN_NOT_ALLOWED: HttpStatus.INTERNAL_SERVER_ERROR,
});

/** What a client is told: fixed text per code, never core's message, never a credential. */
const PUBLIC_MESSAGE: Readonly<Record<ZenotiAuthErrorCode, string>> = {
  LOGIN_REQUIRED: 'The Zenoti session has ended; sign in again.',
  RATE_LIMITED: 'Zenoti rate limit reached; try again later.',
  CREDENTIALS_REJECTED: "Zenoti rejected this service's credentials.",
  UNAUTHORIZED: "Zenoti refused this service's credentials.",
  TOKEN_ENDPOINT: 'Zenoti could not issue an access token.',
  INVALID_RESPONSE: 'Zenoti sent an invalid token response.',
  NETWORK: 'Zenoti could not be reached.',
  STORE: 'The token store is unavailable.',
  ABORTED: 'The request to Zenoti was cancelled.',
  TIMEOUT: 'Zenoti did not answer in time.',
  INVALID_OPTIONS: 'The Zenoti integration is misconfigured.',
  ORIGIN_NOT_ALLOWED: 'The Zenoti integration is misconfigured.',
};

/** The body of a `ZenotiAuthException` response. */
export interface ZenotiAuthErrorBody {
  statusCode: number;
  /** The HTTP reason phrase, e.g. `Bad Gateway`. */
  error: string;
  message: string;
  /** Core's error code, e.g. `CREDENTIALS_REJECTED`. */
  code: ZenotiAuthErrorCode;
  /** For `RATE_LIMITED`: seconds to wait (also sent as `Retry-After`). */
  retryAfterSeconds?: number;
}

const REASON: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * The `ZenotiAuthError` behind `value`: the error itself, or the `cause` of an error that wraps one
 * (an `AxiosError` from `@zenoti-auth/axios` / `ZenotiHttpService`). Recognised by name as well as by
 * class, so an error from another copy of core (ESM beside CJS) is found too.
 */
export function zenotiAuthErrorOf(value: unknown): ZenotiAuthError | undefined {
  if (isZenotiAuthError(value)) return value;
  const cause = value instanceof Error ? value.cause : undefined;
  return isZenotiAuthError(cause) ? cause : undefined;
}

/**
 * A Nest `HttpException` for a `ZenotiAuthError`, with the status from {@link ZENOTI_AUTH_ERROR_STATUS}
 * and a fixed public message. The original error is its `cause` (for logs), never part of the body.
 */
export class ZenotiAuthException extends HttpException {
  /** Core's error code. */
  readonly code: ZenotiAuthErrorCode;
  /** For `RATE_LIMITED`: whole seconds to wait, as sent in `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(error: ZenotiAuthError) {
    const status = ZENOTI_AUTH_ERROR_STATUS[error.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
    const retryAfterSeconds =
      error.code === 'RATE_LIMITED' && error.retryAfterMs !== undefined
        ? Math.max(1, Math.ceil(error.retryAfterMs / 1000))
        : undefined;
    const body: ZenotiAuthErrorBody = {
      statusCode: status,
      error: REASON[status] ?? 'Error',
      message: PUBLIC_MESSAGE[error.code] ?? 'Zenoti authentication failed.',
      code: error.code,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
    super(body, status, { cause: error });
    this.name = 'ZenotiAuthException';
    this.code = error.code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A `ZenotiAuthException` for `value` if it is (or wraps) a `ZenotiAuthError`, else `undefined`. */
  static from(value: unknown): ZenotiAuthException | undefined {
    const error = zenotiAuthErrorOf(value);
    return error === undefined ? undefined : new ZenotiAuthException(error);
  }
}
