import { safeCause, ZenotiAuthError } from './errors.ts';
import { isHeaderSafe } from './header.ts';
import { parseZenotiDate } from './time.ts';
import type { TokenSet } from './types.ts';

/** Zenoti's documented fallback when a token response has no expiry: assume the shortest lifetime it has used. */
const FALLBACK_LIFETIME_MS = 36_000_000;

type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A Zenoti error body: its non-null `error` (or `Error`) object and, only when it is short plain
 * prose on one line, its message (`Message`, `message`, `error.message`, `Error.Message`).
 * Anything that looks like it could carry a credential (a long unbroken run of characters, or one
 * of the request's own secrets) or a line break is dropped: upstream text is not trusted.
 */
export function upstreamError(
  body: unknown,
  secrets: readonly string[] = [],
): { error?: Json; message?: string } {
  if (!isRecord(body)) return {};
  const error = [body.error, body.Error].find(isRecord);
  const message = [error?.message, error?.Message, body.Message, body.message].find(
    (m): m is string => typeof m === 'string' && m !== '',
  );
  const safe =
    message !== undefined &&
    message.length <= 160 &&
    !/\S{16,}/.test(message) &&
    // One line of prose: a line break (a header injected into a log) is not.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
    !/[\u0000-\u001f\u007f-\u009f]/.test(message) &&
    !secrets.some((s) => s && message.includes(s));
  return { ...(error && { error }), ...(safe && { message }) };
}

/** Server clock minus local clock, when the `Date` header shows a difference worth correcting (> 2 s). */
function clockSkew(serverDate: string | null, receivedAt: number): number {
  const skew = Date.parse(serverDate ?? '') - receivedAt;
  return Math.abs(skew) > 2_000 ? skew : 0; // NaN (no or bad header) → 0
}

/** Turns a parsed 2xx token response into a TokenSet, or throws `INVALID_RESPONSE` naming the field. */
export function parseTokenResponse(
  body: unknown,
  status: number,
  receivedAt: number,
  serverDate: string | null,
  previousVersion: number,
): TokenSet {
  const invalid = (problem: string): never => {
    throw new ZenotiAuthError('INVALID_RESPONSE', `Invalid token response: ${problem}.`, {
      status,
      cause: safeCause(problem),
    });
  };
  const c = isRecord(body) ? body.credentials : invalid('the body is not a JSON object');
  if (!isRecord(c)) return invalid('"credentials" is missing or not an object');
  const skew = clockSkew(serverDate, receivedAt);
  /** A token string, or `undefined` when absent and `optional`. */
  const token = (name: string, optional?: boolean): string | undefined => {
    const value = c[name];
    if (optional && value == null) return undefined;
    // A token goes into an Authorization header: visible ASCII only.
    if (typeof value !== 'string' || !isHeaderSafe(value))
      invalid(`"credentials.${name}" is missing or not a token string (visible ASCII)`);
    return value as string;
  };
  /** An expiry as local time, `fallback` when absent. */
  const expiry = (name: string, fallback?: number): number | undefined => {
    const value = c[name];
    if (value == null) return fallback;
    const time = parseZenotiDate(value);
    return time === undefined ? invalid(`"credentials.${name}" is not a date-time`) : time - skew;
  };
  const accessToken = token('access_token') as string;
  if (c.token_type != null && String(c.token_type).toLowerCase() !== 'bearer')
    invalid('"credentials.token_type" is not "bearer"');
  const accessTokenExpiresAt = expiry('access_token_expiry', receivedAt + FALLBACK_LIFETIME_MS) as number;
  if (accessTokenExpiresAt <= receivedAt) invalid('"credentials.access_token_expiry" is already in the past');
  const set: TokenSet = {
    accessToken,
    accessTokenExpiresAt,
    obtainedAt: receivedAt,
    // One more than the set it replaces, and never below the time it was obtained: a session begun
    // after another one ended (logout, revoke) outranks every set of the ended one, so a stored set
    // with a lower version than one seen is always an older one (a store that lost data), never a
    // newer session.
    version: Math.max(previousVersion + 1, Math.floor(receivedAt)),
  };
  const refreshToken = token('refresh_token', true);
  if (refreshToken !== undefined) {
    set.refreshToken = refreshToken;
    const refreshExpiry = expiry('refresh_token_expiry');
    if (refreshExpiry !== undefined) set.refreshTokenExpiresAt = refreshExpiry;
  }
  if (typeof c.token_id === 'string' && c.token_id) set.tokenId = c.token_id;
  if (typeof c.user_type === 'string' && c.user_type) set.userType = c.user_type;
  return set;
}
