import { ZenotiAuthError } from '@zenoti-auth/core';
import { httpAnswerOf } from '@zenoti-auth/core/http';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { TELL_SERVER } from './error-log.ts';
import { httpError, type ZenotiHTTPException } from './http-error.ts';

/**
 * The answer to a sign-in refused for a reason the client must not learn: exactly a wrong password's
 * (status, body, headers), since a different one would confirm that the password was right. The real
 * reason is the answer's `cause`, and `zenotiAuth()`'s `onError` is told of it (see error-log.ts).
 */
export function asWrongPassword(reason: ZenotiAuthError): ZenotiHTTPException {
  const { status, message } = httpAnswerOf(
    { code: 'CREDENTIALS_REJECTED', retryAfterMs: undefined },
    { endUser: true },
  );
  const answer = httpError(status as ContentfulStatusCode, 'CREDENTIALS_REJECTED', message, {}, reason);
  return Object.assign(answer, { [TELL_SERVER]: true });
}

/** Whether `username` is the engine's own service user's (case-insensitive, as Zenoti compares them). */
export function isServiceUser(serviceUsername: string | undefined, username: string): boolean {
  return serviceUsername !== undefined && serviceUsername.trim().toLowerCase() === username.toLowerCase();
}

/** The reason logged when a sign-in with the service user's username is refused (no username in it). */
export function serviceUserRefused(): ZenotiAuthError {
  return new ZenotiAuthError(
    'CREDENTIALS_REJECTED',
    '[@zenoti-auth/hono] Refused a sign-in as the service user, which wrong passwords would lock (see allowServiceUser).',
  );
}
