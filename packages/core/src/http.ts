import type { ZenotiAuthError, ZenotiAuthErrorCode } from './errors.ts';

/**
 * `@zenoti-auth/core/http`: the one error contract of every zenoti-auth server adapter. Each error
 * code has an HTTP status, a fixed public message (nothing from Zenoti's answer, never a key,
 * password, secret or token) and, when Zenoti asked for a wait, `Retry-After` in whole seconds.
 * Adapters shape their own bodies from it (Hono's `{ error: { code, message } }`, Nest's
 * `{ statusCode, error, message, code }`).
 *
 * 401: a user must sign in (403 and 423 for an end user's blocked or locked sign-in); 429: Zenoti's rate limit; 502: Zenoti answered, but by refusing or
 * failing; 503: Zenoti or the token store could not be reached (or the call was cancelled);
 * 504: too slow; 500: the integration is misconfigured.
 */
export const ERROR_ANSWERS: Readonly<
  Record<ZenotiAuthErrorCode, readonly [status: number, message: string]>
> = Object.freeze({
  LOGIN_REQUIRED: [401, 'Sign-in required: the Zenoti session has ended or never began.'],
  RATE_LIMITED: [429, 'Zenoti rate limit reached; try again later.'],
  CREDENTIALS_REJECTED: [502, "Zenoti rejected this service's credentials."],
  LOGIN_BLOCKED: [502, "Zenoti's login policy blocks this service's user."],
  ACCOUNT_LOCKED: [502, "Zenoti locked this service's user after too many wrong passwords."],
  UNAUTHORIZED: [502, "Zenoti refused this service's credentials."],
  TOKEN_ENDPOINT: [502, 'Zenoti could not issue an access token.'],
  INVALID_RESPONSE: [502, 'Zenoti sent an invalid token response.'],
  NETWORK: [503, 'Zenoti could not be reached.'],
  STORE: [503, 'The token store is unavailable.'],
  ABORTED: [503, 'The request to Zenoti was cancelled.'],
  TIMEOUT: [504, 'Zenoti did not answer in time.'],
  INVALID_OPTIONS: [500, 'The Zenoti integration is misconfigured.'],
} as const);

/** What a server answers for a `ZenotiAuthError`. */
export interface HttpAnswer {
  status: number;
  message: string;
  /** Whole seconds, at least 1, when Zenoti asked for a wait (`Retry-After`). */
  retryAfterSeconds: number | undefined;
}

export interface HttpAnswerOptions {
  /**
   * The error came from an end user's own sign-in: `CREDENTIALS_REJECTED` is then their wrong
   * password (401), `LOGIN_BLOCKED` their organisation's policy (403), `ACCOUNT_LOCKED` their
   * locked account (423), not this service's credentials (502).
   */
  endUser?: boolean;
}

/** What an end user is told when their own sign-in fails: about their account, not this service's. */
const END_USER_ANSWERS: Partial<Record<ZenotiAuthErrorCode, readonly [status: number, message: string]>> = {
  CREDENTIALS_REJECTED: [401, 'Wrong username or password.'],
  LOGIN_BLOCKED: [403, "Your organisation's sign-in policy does not allow this sign-in here."],
  ACCOUNT_LOCKED: [
    423,
    'This account is locked after too many failed sign-ins. Try again later, or ask an administrator to unlock it.',
  ],
};

/** The HTTP answer to `error`. A code this version does not know (a newer core) is a generic 500. */
export function httpAnswerOf(
  error: Pick<ZenotiAuthError, 'code' | 'retryAfterMs'>,
  options: HttpAnswerOptions = {},
): HttpAnswer {
  const { code, retryAfterMs } = error;
  const [status, message] =
    (options.endUser && END_USER_ANSWERS[code]) ||
    (Object.hasOwn(ERROR_ANSWERS, code) ? ERROR_ANSWERS[code] : [500, 'Zenoti authentication failed.']);
  const retryAfterSeconds =
    retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000));
  return { status, message, retryAfterSeconds };
}
