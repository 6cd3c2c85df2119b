/** Every way a zenoti-auth call can fail. */
export type ZenotiAuthErrorCode =
  /** The options passed to a constructor or factory are wrong; `field` names the culprit. */
  | 'INVALID_OPTIONS'
  /** Zenoti refused the app credentials or the user's password. Final until the credentials change. */
  | 'CREDENTIALS_REJECTED'
  /** Zenoti's login policy refused the sign-in (`allowlogin: false`, e.g. a 2FA or password-change step). Final until the policy or the user changes. */
  | 'LOGIN_BLOCKED'
  /** Zenoti locked the account after too many wrong passwords. Final until it unlocks (by time, or by an administrator). */
  | 'ACCOUNT_LOCKED'
  /** An end user's session is gone (never logged in, logged out, or its refresh token was refused). */
  | 'LOGIN_REQUIRED'
  /** The token endpoint failed (5xx, 4xx other than 401/429) and retries did not help. */
  | 'TOKEN_ENDPOINT'
  /** The token endpoint answered with something that is not a valid token response. */
  | 'INVALID_RESPONSE'
  /** 429 from Zenoti and the wait it asked for is past the configured budget. */
  | 'RATE_LIMITED'
  /** A call took longer than its deadline. */
  | 'TIMEOUT'
  /** The connection failed (refused, reset, DNS). */
  | 'NETWORK'
  /** A request was rejected with 401 even after one retry with a fresh credential. */
  | 'UNAUTHORIZED'
  /** The caller's AbortSignal fired. */
  | 'ABORTED'
  /** The token store failed (e.g. Redis unreachable) in a way the engine could not work around. */
  | 'STORE';

export interface ZenotiAuthErrorOptions {
  status?: number | undefined;
  field?: string | undefined;
  retryAfterMs?: number | undefined;
  /** @default true for `TIMEOUT`, `NETWORK`, `RATE_LIMITED` and `STORE`, false for the others */
  transient?: boolean | undefined;
  cause?: unknown;
}

/** Codes that are transient unless said otherwise: the same call may succeed later. */
const TRANSIENT_CODES: ReadonlySet<ZenotiAuthErrorCode> = new Set([
  'TIMEOUT',
  'NETWORK',
  'RATE_LIMITED',
  'STORE',
]);

/** Control characters (C0, DEL, C1): never part of a message, which may be logged as one line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * The one error class of zenoti-auth. Its message never contains a key, password,
 * secret or token: values are shown only as fingerprints (`…ab68`).
 */
export class ZenotiAuthError extends Error {
  override readonly name = 'ZenotiAuthError';
  declare readonly code: ZenotiAuthErrorCode;
  /** The HTTP status that caused the error, when there was one. */
  declare readonly status: number | undefined;
  /** For `INVALID_OPTIONS`: the option at fault, e.g. `"app.appSecret"`. */
  declare readonly field: string | undefined;
  /** For `RATE_LIMITED`: how long Zenoti asked to wait. */
  declare readonly retryAfterMs: number | undefined;
  /**
   * Whether the failure is passing (a 5xx the retries did not cure, a timeout, a dropped connection,
   * a 429): it took nothing away, and the same call may succeed later. A final failure (a rejected
   * password, a 4xx, bad options) repeats until something changes.
   */
  declare readonly transient: boolean;

  constructor(
    code: ZenotiAuthErrorCode,
    message: string,
    { cause, transient = TRANSIENT_CODES.has(code), ...rest }: ZenotiAuthErrorOptions = {},
  ) {
    // Adapters pass messages with their own `[@zenoti-auth/x] ` prefix; those are kept. A control
    // character (CR/LF from upstream text, say) becomes a space: a message is one line of text.
    const text = message.replace(CONTROL_CHARACTERS, ' ');
    super(/^\[@zenoti-auth\//.test(text) ? text : `[@zenoti-auth/core] ${text}`, { cause });
    Object.assign(
      this,
      { code, status: undefined, field: undefined, retryAfterMs: undefined, transient },
      rest,
    );
  }

  /** Serialises without `cause` details that could hold upstream bodies; absent fields are left out. */
  toJSON(): Record<string, unknown> {
    const { name, code, message, status, field, retryAfterMs, transient } = this;
    return JSON.parse(JSON.stringify({ name, code, message, status, field, retryAfterMs, transient }));
  }
}

/**
 * The `INVALID_OPTIONS` error of any zenoti-auth package, in one format:
 * `[@zenoti-auth/<package>] Option "<field>" <problem>.` — `problem` never quotes a value (it may be a secret).
 */
export function invalidOption(packageName: string, field: string, problem: string): ZenotiAuthError {
  return new ZenotiAuthError(
    'INVALID_OPTIONS',
    `[@zenoti-auth/${packageName}] Option "${field}" ${problem}.`,
    {
      field,
    },
  );
}

/** The error of a session that is gone (never begun, ended, or its refresh token refused). */
export function sessionEnded(): ZenotiAuthError {
  return new ZenotiAuthError('LOGIN_REQUIRED', 'The session has ended: sign in again.');
}

export function isZenotiAuthError(value: unknown): value is ZenotiAuthError {
  return value instanceof Error && value.name === 'ZenotiAuthError';
}

/** A plain error used as `cause` that carries only a safe description. */
export function safeCause(description: string): Error {
  return Object.assign(new Error(description), { name: 'ZenotiUpstreamError' });
}
