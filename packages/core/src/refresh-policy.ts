import type { ZenotiAuthError } from './errors.ts';
import { LOCKED_PAUSE_MS, MAX_CREDENTIALS_PAUSE_MS } from './guard-bounds.ts';
import type { Flight, KeyState, PauseReason } from './key-state.ts';
import { rateLimited } from './rate-limited.ts';
import type { TokenSet } from './types.ts';

/*
 * The rules of the token cycle, as pure functions: what a caller gets, and what a failed refresh
 * means. `token-cycle.ts` carries them out.
 *
 * 1. A token is *fresh* until `expiry − refresh window` (the window is capped at a quarter of its
 *    lifetime) and unless a 401 proved it dead: a fresh token is served.
 * 2. A token is *alive* until its expiry, unless a 401 proved it dead. Zenoti kills the old access
 *    token when it refreshes, so callers wait for a refresh rather than use the old token, except
 *    in a ride-out (rule 5).
 * 3. One refresh per key at a time (single flight): callers join the refresh in flight. Where a
 *    promise dies with the request that made it (`shareInFlight: false`, Cloudflare Workers),
 *    callers poll the store for its result instead; a flight older than the retry deadline is
 *    taken as lost, and the next caller refreshes.
 * 4. A pause stops token calls: after a rejected password or a sign-in the login policy blocked
 *    (callers get that error; the cool-down
 *    doubles with each rejection in a row, up to an hour, so Zenoti's lockout after 5 is never
 *    reached), for 15 minutes after Zenoti locked the account, after a 429 with no live token (callers fail fast with `RATE_LIMITED`), or after a
 *    fault with no live token (the next refresh waits for the pause to end, and callers join it).
 *    With a store shared by processes, the first two are shared (`shared-guards.ts`): the fleet
 *    meets them once, not once per process.
 * 5. A refresh that fails for a transient reason (5xx, timeout, dropped connection, 429) while the
 *    token it meant to replace is alive and still the stored one takes nothing away: that token
 *    serves until the next try (ride-out). A final failure (4xx, a rejected password) is thrown.
 * 6. The fleet rule: a refresh token is spent only under the fleet's lock (`refreshHold`), by the
 *    holder that claimed it in the store first (`refresh-claim.ts`). While the lock is held
 *    elsewhere, the store fails (so nobody can tell who holds it), the set was written back after
 *    the store lost it (`refreshNotBefore`), or another process claimed its refresh token, that
 *    token stays unspent: a live token serves (ride-out); a dead one makes the service user sign in
 *    again with its password (a new session), and an end user's callers fail with a transient
 *    `STORE` error. A claim whose result never reached the store counts as spent: it is never sent
 *    again, and an end user's session has ended.
 *
 * Times: `now` is the engine clock (`options.now`), for everything about tokens and pauses;
 * `realNow` is `Date.now()`, for how long a flight has been running.
 */

export interface Limits {
  refreshWindowMs: number;
  /** The retry deadline: how long one token acquisition may take, and how long a flight counts as running. */
  deadlineMs: number;
  shareInFlight: boolean;
}

/** How much before its expiry a set is refreshed: the window, capped at a quarter of its lifetime. */
export function refreshWindow(set: TokenSet, refreshWindowMs: number): number {
  return Math.min(refreshWindowMs, (set.accessTokenExpiresAt - set.obtainedAt) / 4);
}

/** Whether `set` is fresh: before its refresh window, and not proved dead by a 401. */
export function isFresh(
  set: TokenSet,
  now: number,
  refreshWindowMs: number,
  rejectedToken: string | undefined,
): boolean {
  return (
    now < set.accessTokenExpiresAt - refreshWindow(set, refreshWindowMs) && rejectedToken !== set.accessToken
  );
}

/** Whether `set` is alive at Zenoti: not expired, and not proved dead by a 401. */
export function isAlive(set: TokenSet, now: number, rejectedToken: string | undefined): boolean {
  return now < set.accessTokenExpiresAt && rejectedToken !== set.accessToken;
}

/** Whether this process holds the fleet's lock for a refresh, as far as it can tell (rule 6). */
export type LockState = 'held' | 'held elsewhere' | 'failed' | 'no lock';

/** Why the refresh token of `set` may not be spent now (rule 6). */
export interface RefreshHold {
  why: string;
  /** When to try again, ms from now: at once behind the live token, a second later, or when a hold ends. */
  retryMs: number;
  /** Another process sent the refresh token and its result never came: it is spent. */
  spent?: true;
}

/** How often a failing store is asked for the lock again while the live token serves. */
export const STORE_RETRY_MS = 1_000;

/** Why the refresh token of `set` may not be spent now (rule 6), or `undefined` when it may. */
export function refreshHold(
  set: TokenSet | undefined,
  now: number,
  lock: LockState,
  refreshWithoutLock: boolean,
  self?: string,
): RefreshHold | undefined {
  if (set?.refreshToken === undefined) return undefined;
  const claim = set.refreshClaim;
  if (claim !== undefined && claim.by !== self)
    return now < claim.until
      ? { why: 'another process is sending the refresh token', retryMs: claim.until - now }
      : { why: 'another process sent the refresh token and its result was lost', retryMs: 0, spent: true };
  if (lock === 'held elsewhere') return { why: 'the refresh lock is held elsewhere', retryMs: 0 };
  if (lock === 'failed' && !refreshWithoutLock)
    return { why: 'the token store fails, so nobody can hold the refresh lock', retryMs: STORE_RETRY_MS };
  if (set.refreshNotBefore !== undefined && now < set.refreshNotBefore)
    return {
      why: 'the token store had lost this token set, which was written back',
      retryMs: set.refreshNotBefore - now,
    };
  return undefined;
}

/** `set` without its refresh token (which must not be sent). */
export function withoutRefreshToken<T extends TokenSet | undefined>(set: T): T {
  if (set?.refreshToken === undefined) return set;
  const copy = { ...set };
  delete copy.refreshToken;
  return copy;
}

/** Whether a flight still counts as running for a caller that cannot await it (rule 3). */
export function isRunning(flight: KeyState['flight'], realNow: number, limits: Limits): boolean {
  return flight !== undefined && (limits.shareInFlight || realNow - flight.since < limits.deadlineMs);
}

/** What a caller that needs a token gets. */
export type Decision =
  | { action: 'serve' }
  /** Ride-out due for its next try, on a shared-promise runtime: serve, and refresh behind. */
  | { action: 'serve and refresh behind' }
  | { action: 'join the flight'; flight: Flight }
  /** Another request's refresh runs where promises die with requests: wait for the store. */
  | { action: 'poll the store' }
  | { action: 'refresh' }
  | { action: 'fail'; error: ZenotiAuthError };

export interface Situation {
  /** The stored set (or the last one seen, while a remote store is down). */
  set: TokenSet | undefined;
  /** The key's record; `undefined` is an empty one. */
  state: KeyState | undefined;
  now: number;
  realNow: number;
}

/** Decides what a caller gets (rules 1–5). */
export function decide({ set, state, now, realNow }: Situation, limits: Limits): Decision {
  const pause = state?.pause;
  const paused = pause !== undefined && pause.until > now;
  if (paused && pause.reason !== 'rate-limit' && pause.reason !== 'fault')
    return { action: 'fail', error: pause.error };
  const rejected = state?.rejectedToken;
  if (set && isFresh(set, now, limits.refreshWindowMs, rejected)) return { action: 'serve' };
  const flight = state?.flight;
  const ride = state?.ride;
  if (set && ride?.token === set.accessToken && isAlive(set, now, rejected)) {
    if (isRunning(flight, realNow, limits) || now < ride.at) return { action: 'serve' };
    // A try left behind on Workers could spend the single-use refresh token and lose the answer.
    return { action: limits.shareInFlight ? 'serve and refresh behind' : 'refresh' };
  }
  if (flight && limits.shareInFlight) return { action: 'join the flight', flight };
  if (!flight && paused && pause.reason === 'rate-limit')
    return {
      action: 'fail',
      error: rateLimited(pause.until - now, 'Zenoti rate limit reached at the token endpoint'),
    };
  if (!isRunning(flight, realNow, limits)) return { action: 'refresh' };
  return { action: 'poll the store' };
}

/** What a failed refresh means. */
export type FailureOutcome =
  /** Someone else (another process, a login) stored a fresh set meanwhile: it serves. */
  | { outcome: 'serve the stored set' }
  /** Rule 5: the live token serves until the next try, `pauseMs` from now. */
  | { outcome: 'ride out'; pauseMs: number }
  /** The callers' error; with `pause`, token calls under the key stop for a while (rule 4). */
  | { outcome: 'throw'; pause?: { reason: PauseReason; ms: number } };

export interface Failure {
  error: ZenotiAuthError;
  /** The set the refresh meant to replace. */
  replaced: TokenSet | undefined;
  /** The set stored now. */
  stored: TokenSet | undefined;
  rejectedToken: string | undefined;
  now: number;
  credentialsCooldownMs: number;
  /** Passwords rejected in a row before this failure. */
  passwordStrikes: number;
  retry: { retries: number; minDelayMs: number; maxDelayMs: number; deadlineMs: number };
}

/** Decides what a failed refresh means (rules 4 and 5). */
export function afterFailedRefresh(f: Failure, limits: Limits): FailureOutcome {
  const { error, stored, now } = f;
  if (stored && isFresh(stored, now, limits.refreshWindowMs, f.rejectedToken))
    return { outcome: 'serve the stored set' };
  if (error.code === 'ACCOUNT_LOCKED')
    return {
      outcome: 'throw',
      pause: { reason: 'locked', ms: Math.max(LOCKED_PAUSE_MS, f.credentialsCooldownMs) },
    };
  if (
    (error.code === 'CREDENTIALS_REJECTED' || error.code === 'LOGIN_BLOCKED') &&
    f.credentialsCooldownMs > 0
  )
    return {
      outcome: 'throw',
      pause: { reason: 'credentials', ms: credentialsPause(f.credentialsCooldownMs, f.passwordStrikes) },
    };
  if (!error.transient) return { outcome: 'throw' };
  const ridable =
    stored !== undefined &&
    stored.accessToken === f.replaced?.accessToken &&
    isAlive(stored, now, f.rejectedToken);
  if (ridable)
    return { outcome: 'ride out', pauseMs: ridePause(stored, now, f.retry.deadlineMs, error.retryAfterMs) };
  const { retries, minDelayMs, maxDelayMs } = f.retry;
  return error.code === 'RATE_LIMITED'
    ? { outcome: 'throw', pause: { reason: 'rate-limit', ms: error.retryAfterMs ?? 0 } }
    : // The delay the backoff would take next.
      {
        outcome: 'throw',
        pause: { reason: 'fault', ms: Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(retries, 20)) },
      };
}

/**
 * The cool-down after a rejected password: `cooldownMs`, doubled for each earlier rejection in a
 * row, up to an hour. With the default minute, tries come at 0, 1, 3, 7, 15, 31… minutes: at most
 * 4 in any 15 minutes, under Zenoti's default lockout of 5.
 */
export function credentialsPause(cooldownMs: number, strikes: number): number {
  return Math.min(cooldownMs * 2 ** Math.min(strikes, 20), Math.max(cooldownMs, MAX_CREDENTIALS_PAUSE_MS));
}

/**
 * How long a ride-out lasts before the next try: `min(deadline, half the time left)`, never
 * before `notBeforeMs` (a 429's Retry-After), never past the expiry.
 */
export function ridePause(set: TokenSet, now: number, deadlineMs: number, notBeforeMs = 0): number {
  const left = set.accessTokenExpiresAt - now;
  return Math.min(Math.max(Math.min(deadlineMs, left / 2), notBeforeMs), left);
}
