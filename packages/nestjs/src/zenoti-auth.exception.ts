import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { isZenotiAuthError, type ZenotiAuthError, type ZenotiAuthErrorCode } from '@zenoti-auth/core';

const MISCONFIGURED = 'The Zenoti integration is misconfigured.';

/**
 * The one place where core's error codes become HTTP answers: the status, and what a client is told —
 * fixed text per code, never core's message, never a credential. 502: Zenoti answered, but wrongly or
 * by refusing this server's credentials; 503: Zenoti or the token store could not be reached; 504: too slow.
 */
const ANSWER: Readonly<Record<ZenotiAuthErrorCode, readonly [status: number, message: string]>> = {
  LOGIN_REQUIRED: [401, 'The Zenoti session has ended; sign in again.'],
  RATE_LIMITED: [429, 'Zenoti rate limit reached; try again later.'],
  CREDENTIALS_REJECTED: [502, "Zenoti rejected this service's credentials."],
  UNAUTHORIZED: [502, "Zenoti refused this service's credentials."],
  TOKEN_ENDPOINT: [502, 'Zenoti could not issue an access token.'],
  INVALID_RESPONSE: [502, 'Zenoti sent an invalid token response.'],
  NETWORK: [503, 'Zenoti could not be reached.'],
  STORE: [503, 'The token store is unavailable.'],
  ABORTED: [503, 'The request to Zenoti was cancelled.'],
  TIMEOUT: [504, 'Zenoti did not answer in time.'],
  INVALID_OPTIONS: [500, MISCONFIGURED],
  ORIGIN_NOT_ALLOWED: [500, MISCONFIGURED],
};

/** The HTTP status of each core error code, as `ZenotiAuthException` and the filter answer it. */
export const ZENOTI_AUTH_ERROR_STATUS: Readonly<Record<ZenotiAuthErrorCode, number>> = Object.freeze(
  Object.fromEntries(Object.entries(ANSWER).map(([code, [status]]) => [code, status])) as Record<
    ZenotiAuthErrorCode,
    number
  >,
);

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
    // A code this version does not know (a newer core): a generic 500.
    const [status, message] = Object.hasOwn(ANSWER, error.code)
      ? ANSWER[error.code]
      : [500, 'Zenoti authentication failed.'];
    const retryAfterSeconds =
      error.code === 'RATE_LIMITED' && error.retryAfterMs !== undefined
        ? Math.max(1, Math.ceil(error.retryAfterMs / 1000))
        : undefined;
    const body: ZenotiAuthErrorBody = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message,
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
