import { ZenotiAuthError } from '../errors.ts';
import { httpAnswerOf } from '../http.ts';
import { errorAnswer } from '../proxy/error-answer.ts';

/**
 * The answer to a sign-in refused for a reason the client must not learn: exactly a wrong password's
 * (status, body, headers), since a different one would confirm that the password was right. The real
 * reason is the answer's `cause`, and `tellServer` asks the adapter to log it.
 */
export function asWrongPassword(reason: ZenotiAuthError): Response {
  const { status, message } = httpAnswerOf(
    { code: 'CREDENTIALS_REJECTED', retryAfterMs: undefined },
    { endUser: true },
  );
  return errorAnswer(status, 'CREDENTIALS_REJECTED', message, {}, reason, true);
}

/** Whether `username` is the engine's own service user's (case-insensitive, as Zenoti compares them). */
export function isServiceUser(serviceUsername: string | undefined, username: string): boolean {
  return serviceUsername?.toLowerCase() === username.toLowerCase();
}

/** The reason logged when a sign-in with the service user's username is refused (no username in it). */
export function serviceUserRefused(by: string): ZenotiAuthError {
  return new ZenotiAuthError(
    'CREDENTIALS_REJECTED',
    `[@zenoti-auth/${by}] Refused a sign-in as the service user (see allowServiceUser).`,
  );
}
