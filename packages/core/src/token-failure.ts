import { ZenotiAuthError } from './errors.ts';
import { upstreamError } from './token-response.ts';

/*
 * What a failed answer of the token endpoint means. Zenoti documents none of it: the rules are
 * assumptions from weak evidence (see ../../shared notes: "401 Invalid account", "500 Unable to
 * generate token (code 4023)", the lockout text of Zenoti's help pages), chosen so that either
 * reading works. What says the credentials or the app are wrong is final whatever the status, so
 * no retry spends the organisation's rate limit on it.
 *
 * 1. A message that says the account is locked → `ACCOUNT_LOCKED` (final; the engine pauses long).
 * 2. A Zenoti error code in `FINAL_TOKEN_ERROR_CODES`, or a 401 → `CREDENTIALS_REJECTED` (final).
 * 3. 500, 502, 503, 504 → `TOKEN_ENDPOINT`, transient (retried with backoff).
 * 4. Anything else → `TOKEN_ENDPOINT`, final.
 * A 2xx that carries an error object is read by the code in it (no number: 400).
 */

/** Zenoti error codes (`error.code`, `Error.StatusCode`) that mean the credentials or the app are wrong. */
export const FINAL_TOKEN_ERROR_CODES: Readonly<Record<number, string>> = Object.freeze({
  401: 'the username or password is incorrect, or the account is invalid',
  4023: '"Unable to generate token": the app id, app secret or account name is wrong (seen with HTTP 500)',
});

/** Zenoti's lockout message (its help pages: "Login failed, account has been locked…"). */
const LOCKED = /account (has been|is) locked/i;

export interface TokenFailureContext {
  grantType: 'password' | 'refresh_token';
  accountName: string;
  /** Values that must never show in a message taken from Zenoti's answer. */
  secrets: readonly string[];
}

/** The error for a token endpoint answer that issued no token (not a 429: that is waited out). */
export function tokenFailure(status: number, body: unknown, context: TokenFailureContext): ZenotiAuthError {
  const { error, message } = upstreamError(body, context.secrets);
  const raw = error?.code ?? error?.StatusCode;
  const code = typeof raw === 'number' ? raw : Number.parseInt(String(raw), 10);
  const ok = status > 199 && status < 300;
  const effective = ok ? (Number.isFinite(code) ? code : 400) : status;
  const said = message ? ` Zenoti said: "${message}"` : '';
  const password = context.grantType === 'password';
  if (message && LOCKED.test(message))
    return new ZenotiAuthError(
      'ACCOUNT_LOCKED',
      `Zenoti locked the user of account "${context.accountName}" after too many wrong passwords: it unlocks after the time the organisation set, or when an administrator unlocks it in Zenoti.${said}`,
      { status },
    );
  if (effective === 401 || Object.hasOwn(FINAL_TOKEN_ERROR_CODES, code))
    return new ZenotiAuthError(
      'CREDENTIALS_REJECTED',
      `Zenoti rejected the ${password ? `user credentials of account "${context.accountName}"` : 'refresh token'}${effective === 401 ? '' : ` (error code ${code}: the app credentials or account may be wrong)`}.${said}`,
      { status },
    );
  // Only 500, 502, 503 and 504 are worth another attempt: they are transient, the rest final.
  const retryable = effective > 499 && effective < 505 && effective !== 501;
  return new ZenotiAuthError(
    'TOKEN_ENDPOINT',
    `Token endpoint answered HTTP ${status}${status > 299 && status < 400 ? ' (a redirect: not followed)' : ''}.${said}`,
    { status, transient: retryable },
  );
}
