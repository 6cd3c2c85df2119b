import { safeCause, ZenotiAuthError } from './errors.ts';
import { parseZenotiDate } from './time.ts';
import type { TokenSet } from './types.ts';

/** Zenoti's documented fallback when a token response has no expiry: assume the shortest lifetime it has used. */
export const FALLBACK_LIFETIME_MS = 10 * 60 * 60 * 1000;

function invalid(problem: string, status: number): ZenotiAuthError {
  return new ZenotiAuthError('INVALID_RESPONSE', `The token endpoint sent an invalid response: ${problem}`, {
    status,
    cause: safeCause(problem),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `Message`, `message`, `error.message` or `Error.Message` from a Zenoti error body — only when
 * it is short plain prose. Anything that looks like it could carry a credential (a long unbroken run
 * of characters, or one of the request's own secrets) is dropped: upstream text is not trusted.
 */
export function zenotiErrorMessage(body: unknown, secrets: readonly string[] = []): string | undefined {
  if (!isRecord(body)) return undefined;
  const error = isRecord(body.error) ? body.error : isRecord(body.Error) ? body.Error : undefined;
  const candidates = [error?.message, error?.Message, body.Message, body.message];
  const found = candidates.find((c): c is string => typeof c === 'string' && c.length > 0);
  if (found === undefined || found.length > 160 || /\S{16,}/.test(found)) return undefined;
  return secrets.some((s) => s.length > 0 && found.includes(s)) ? undefined : found;
}

/** The non-null `error` (or `Error`) object of a Zenoti body, if any. */
export function zenotiErrorOf(body: unknown): Record<string, unknown> | undefined {
  if (!isRecord(body)) return undefined;
  if (isRecord(body.error)) return body.error;
  if (isRecord(body.Error)) return body.Error;
  return undefined;
}

export interface ParseContext {
  status: number;
  /** Local time when the response arrived. */
  receivedAt: number;
  /** The response's `Date` header, for clock-skew correction. */
  serverDate: string | null;
  /** Version of the set being replaced (the new one gets one more). */
  previousVersion: number;
}

/** Server clock minus local clock, when the `Date` header shows a difference worth correcting (> 2 s). */
export function clockSkew(serverDate: string | null, receivedAt: number): number {
  if (!serverDate) return 0;
  const server = Date.parse(serverDate);
  if (Number.isNaN(server)) return 0;
  const skew = server - receivedAt;
  return Math.abs(skew) > 2_000 ? skew : 0;
}

/** Turns a parsed 2xx token response into a TokenSet, or throws `INVALID_RESPONSE` naming the field. */
export function parseTokenResponse(body: unknown, ctx: ParseContext): TokenSet {
  if (!isRecord(body)) throw invalid('the body is not a JSON object.', ctx.status);
  const credentials = body.credentials;
  if (!isRecord(credentials)) throw invalid('"credentials" is missing or not an object.', ctx.status);
  const {
    access_token,
    access_token_expiry,
    refresh_token,
    refresh_token_expiry,
    token_id,
    user_type,
    token_type,
  } = credentials;
  if (typeof access_token !== 'string' || access_token.trim() === '' || /\s/.test(access_token)) {
    throw invalid('"credentials.access_token" is missing or not a token string.', ctx.status);
  }
  if (
    token_type !== undefined &&
    token_type !== null &&
    (typeof token_type !== 'string' || token_type.toLowerCase() !== 'bearer')
  ) {
    throw invalid('"credentials.token_type" is not "bearer".', ctx.status);
  }
  const skew = clockSkew(ctx.serverDate, ctx.receivedAt);
  let accessExpiry: number;
  if (access_token_expiry === undefined || access_token_expiry === null) {
    accessExpiry = ctx.receivedAt + FALLBACK_LIFETIME_MS;
  } else {
    const parsed = parseZenotiDate(access_token_expiry);
    if (parsed === undefined)
      throw invalid('"credentials.access_token_expiry" is not a date-time.', ctx.status);
    accessExpiry = parsed - skew;
  }
  if (accessExpiry <= ctx.receivedAt) {
    throw invalid('"credentials.access_token_expiry" is already in the past.', ctx.status);
  }
  const set: TokenSet = {
    accessToken: access_token,
    accessTokenExpiresAt: accessExpiry,
    obtainedAt: ctx.receivedAt,
    version: ctx.previousVersion + 1,
  };
  if (refresh_token !== undefined && refresh_token !== null) {
    if (typeof refresh_token !== 'string' || refresh_token.trim() === '' || /\s/.test(refresh_token)) {
      throw invalid('"credentials.refresh_token" is not a token string.', ctx.status);
    }
    set.refreshToken = refresh_token;
    if (refresh_token_expiry !== undefined && refresh_token_expiry !== null) {
      const parsed = parseZenotiDate(refresh_token_expiry);
      if (parsed === undefined)
        throw invalid('"credentials.refresh_token_expiry" is not a date-time.', ctx.status);
      set.refreshTokenExpiresAt = parsed - skew;
    }
  }
  if (typeof token_id === 'string' && token_id !== '') set.tokenId = token_id;
  if (typeof user_type === 'string' && user_type !== '') set.userType = user_type;
  return set;
}
