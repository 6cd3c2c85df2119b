import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { isZenotiAuthError, type ZenotiAuthError, type ZenotiAuthErrorCode } from '@zenoti-auth/core';
import { ERROR_ANSWERS, httpAnswerOf } from '@zenoti-auth/core/http';
import { unansweredCallError } from './zenoti-http.unanswered.ts';

/**
 * The HTTP status of each core error code, as `ZenotiAuthException` and the filter answer it: read
 * from `@zenoti-auth/core/http`, the error contract every zenoti-auth adapter shares.
 */
export const ZENOTI_AUTH_ERROR_STATUS: Readonly<Record<ZenotiAuthErrorCode, number>> = Object.freeze(
  Object.fromEntries(Object.entries(ERROR_ANSWERS).map(([code, [status]]) => [code, status])) as Record<
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
  /** When Zenoti asked for a wait (`RATE_LIMITED`): whole seconds, ≥ 1 (also sent as `Retry-After`). */
  retryAfterSeconds?: number;
}

/**
 * The `ZenotiAuthError` behind `value`: the error itself, or the `cause` of an error that wraps one
 * (an `AxiosError` from `@zenoti-auth/axios` / `ZenotiHttpService`), or, for a call through
 * `ZenotiHttpService` that got no answer, the `TIMEOUT` / `ABORTED` / `NETWORK` error it amounts to.
 * Recognised by name as well as by class, so an error from another copy of core (ESM beside CJS) is
 * found too.
 */
export function zenotiAuthErrorOf(value: unknown): ZenotiAuthError | undefined {
  if (isZenotiAuthError(value)) return value;
  const cause = value instanceof Error ? value.cause : undefined;
  return isZenotiAuthError(cause) ? cause : unansweredCallError(value);
}

/**
 * A Nest `HttpException` for a `ZenotiAuthError`, with the status from {@link ZENOTI_AUTH_ERROR_STATUS}
 * and the fixed public message of `@zenoti-auth/core/http`. The original error is its `cause` (for
 * logs), never part of the body.
 */
export class ZenotiAuthException extends HttpException {
  /** Core's error code. */
  readonly code: ZenotiAuthErrorCode;
  /** When Zenoti asked for a wait (`RATE_LIMITED`): whole seconds, ≥ 1, as sent in `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(error: ZenotiAuthError) {
    // Status, public message and Retry-After are core's (`@zenoti-auth/core/http`); the body is Nest's.
    const { status, message, retryAfterSeconds } = httpAnswerOf(error);
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
