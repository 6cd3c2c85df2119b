import { ZenotiAuthError } from '@zenoti-auth/core';
import { TELL_SERVER } from './error-log.ts';
import { toHTTPException } from './errors.ts';
import type { ZenotiHTTPException } from './http-error.ts';

/**
 * The answer to a sign-in refused for a reason the client must not learn: exactly a wrong password's
 * (status, body, headers), since a different one would confirm that the password was right. The real
 * reason is the answer's `cause`, and `zenotiAuth()`'s `onError` is told of it (see error-log.ts).
 */
export function asWrongPassword(reason: ZenotiAuthError): ZenotiHTTPException {
  const answer = toHTTPException(new ZenotiAuthError('CREDENTIALS_REJECTED', ''), true);
  return Object.assign(answer, { cause: reason, [TELL_SERVER]: true });
}

/** Whether `username` is the engine's own service user's (case-insensitive, as Zenoti compares them). */
export function isServiceUser(serviceUsername: string | undefined, username: string): boolean {
  return serviceUsername?.toLowerCase() === username.toLowerCase();
}

/** The reason logged when a sign-in with the service user's username is refused (no username in it). */
export function serviceUserRefused(): ZenotiAuthError {
  return new ZenotiAuthError(
    'CREDENTIALS_REJECTED',
    '[@zenoti-auth/hono] Refused a sign-in as the service user (see allowServiceUser).',
  );
}
