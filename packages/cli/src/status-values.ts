import { checkGuard, type EpochMilliseconds } from '@zenoti-auth/core';

/**
 * Readers of the values `@zenoti-auth/redis` keeps (its README's "Key layout"): each returns what
 * may be shown, never a token. A value this version cannot read is reported as unreadable, with
 * why, not guessed at.
 */

/** A token set under `<prefix>{<core key>}`: its times when stored in plain text; when encrypted, only its version. */
export interface SetState {
  /** The set's version, readable in clear in both forms (`{"v":n,…}`). */
  version: number | null;
  encrypted: boolean;
  /** The id of the key that sealed it (not secret): sets sealed with another key are unreadable to the fleet. */
  keyId: string | null;
  /** The key's time to live in Redis: until the refresh token ends. */
  ttlMs: number | null;
  /** Plain text only (else `null`): when the access token, and the refresh token, expire. Times: ms since the Unix epoch, as core's. */
  accessTokenExpiresAt: EpochMilliseconds | null;
  refreshTokenExpiresAt: EpochMilliseconds | null;
  obtainedAt: EpochMilliseconds | null;
  userType: string | null;
  hasRefreshToken: boolean | null;
  /** A set written back after Redis lost it: its refresh token is held until then. */
  refreshNotBefore: EpochMilliseconds | null;
  /** Zenoti's login policy reminded that the password expires soon. */
  passwordExpiryReminder: boolean | null;
  /** Why the value cannot be read (not an envelope, not a token set), else `null`. */
  unreadable: string | null;
}

/** A guard under `<prefix>{<core key>}:guard` (plain JSON, no secret). */
export interface GuardState {
  ttlMs: number | null;
  /** No token call under the key until `until`. */
  pause: {
    reason: string;
    code: string | null;
    until: EpochMilliseconds;
    status: number | null;
    message: string;
  } | null;
  /** Passwords rejected in a row: each doubles the next pause. */
  passwordStrikes: number | null;
  /** The version whose refresh token Zenoti refused: never sent again. */
  refusedRefreshVersion: number | null;
  /** The version ended on purpose (logout, revoke): never written back. */
  endedVersion: number | null;
  unreadable: string | null;
}

/** A rate budget `<prefix>rate-budget[:<account>]` (a hash; `end` is on Redis' clock). */
export interface BudgetState {
  key: string;
  account: string | null;
  limit: number | null;
  intervalMs: number | null;
  /** Calls taken in the current window (0 once it has ended). */
  used: number | null;
  /** Calls left in the current window (the whole limit once it has ended). */
  remaining: number | null;
  /** Ms since the Unix epoch, on Redis' clock. */
  windowEndsAt: EpochMilliseconds | null;
  /** Until the window ends, on Redis' clock; 0 when it has ended. */
  windowEndsInMs: number | null;
  /** Whether the window's end came from Zenoti's headers (else the budget's own guess). */
  reported: boolean;
  ttlMs: number | null;
}

const time = (value: unknown): EpochMilliseconds | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const integer = (value: unknown): number | null => (Number.isSafeInteger(value) ? (value as number) : null);
const ttlOf = (pttl: number | null): number | null => (pttl === null || pttl < 0 ? null : pttl);

function parsed(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The token secrets in a stored value, to keep out of any output (plain text sets only). */
export function setSecrets(raw: string): string[] {
  const set = parsed(raw);
  const inner = isRecord(set) && isRecord(set.s) ? set.s : {};
  return [inner.accessToken, inner.refreshToken, inner.tokenId].filter(
    (s): s is string => typeof s === 'string',
  );
}

/** `{"v":n,"s":{…}}` (plain text) or `{"v":n,"k":"…","e":"…"}` (encrypted), as every shared store keeps it (`@zenoti-auth/core/shared-store`). */
export function readSet(raw: string, pttl: number | null): SetState {
  const envelope = parsed(raw);
  const state: SetState = {
    version: isRecord(envelope) ? integer(envelope.v) : null,
    encrypted: isRecord(envelope) && typeof envelope.e === 'string',
    keyId: isRecord(envelope) && typeof envelope.k === 'string' ? envelope.k : null,
    ttlMs: ttlOf(pttl),
    accessTokenExpiresAt: null,
    refreshTokenExpiresAt: null,
    obtainedAt: null,
    userType: null,
    hasRefreshToken: null,
    refreshNotBefore: null,
    passwordExpiryReminder: null,
    unreadable: null,
  };
  if (!isRecord(envelope) || state.version === null)
    return { ...state, unreadable: 'not a token-set envelope' };
  if (state.encrypted) return state;
  const set = envelope.s;
  if (!isRecord(set) || typeof set.accessToken !== 'string' || !Number.isFinite(set.accessTokenExpiresAt))
    return { ...state, unreadable: 'not a valid token set' };
  const policy = isRecord(set.loginPolicy) ? set.loginPolicy : undefined;
  return {
    ...state,
    accessTokenExpiresAt: time(set.accessTokenExpiresAt),
    refreshTokenExpiresAt: time(set.refreshTokenExpiresAt),
    obtainedAt: time(set.obtainedAt),
    userType: typeof set.userType === 'string' ? set.userType : null,
    hasRefreshToken: typeof set.refreshToken === 'string' && set.refreshToken !== '',
    refreshNotBefore: time(set.refreshNotBefore),
    passwordExpiryReminder: policy ? policy.passwordExpiryReminder === true : null,
  };
}

/** A guard, checked by core's own rule (`checkGuard`). */
export function readGuard(raw: string, pttl: number | null): GuardState {
  const state: GuardState = {
    ttlMs: ttlOf(pttl),
    pause: null,
    passwordStrikes: null,
    refusedRefreshVersion: null,
    endedVersion: null,
    unreadable: null,
  };
  const value = parsed(raw);
  const guard = value === undefined ? 'is not JSON' : checkGuard(value);
  if (typeof guard === 'string') return { ...state, unreadable: guard };
  const pause = guard.pause;
  return {
    ...state,
    pause: pause
      ? {
          reason: pause.reason,
          code: pause.code ?? null,
          until: pause.until,
          status: pause.status ?? null,
          message: pause.message,
        }
      : null,
    passwordStrikes: guard.passwordStrikes ?? null,
    refusedRefreshVersion: guard.refusedRefreshVersion ?? null,
    endedVersion: guard.endedVersion ?? null,
  };
}

/** A budget's hash (`budget-scripts.ts` of `@zenoti-auth/redis`), with `now` on Redis' clock. */
export function readBudget(
  key: string,
  hash: Record<string, string>,
  pttl: number | null,
  now: number,
): BudgetState {
  const number = (field: string): number | null => {
    const value = Number(hash[field]);
    return hash[field] !== undefined && Number.isFinite(value) ? value : null;
  };
  const end = number('end');
  const limit = number('limit');
  const over = end === null || end <= now;
  const used = over ? 0 : number('used');
  return {
    key,
    account: hash.account || null,
    limit,
    intervalMs: number('interval'),
    used,
    remaining: limit === null || used === null ? null : Math.max(0, limit - used),
    windowEndsAt: end,
    windowEndsInMs: end === null ? null : Math.max(0, end - now),
    reported: hash.reported === '1',
    ttlMs: ttlOf(pttl),
  };
}
