import { ZenotiAuthError } from './errors.ts';
import type { PauseReason } from './key-state.ts';
import { rateLimited } from './rate-limited.ts';
import { checkGuard } from './stored-guard.ts';
import { MAX_RETRY_AFTER_MS } from './time.ts';
import type { TokenGuard } from './types.ts';

/*
 * How far a pause may reach. A pause is written to a shared store (`shared-guards.ts`) for the
 * whole fleet to honour, so a wrong one (a Retry-After of days, a store written by a bug, by hand or
 * by someone else) would stop every process for as long as it says. Every pause is therefore bounded
 * when it is taken, when it is written and when it is read; and the error a guard's pause gives is
 * built from its code, never from text stored with it.
 */

type GuardPause = NonNullable<TokenGuard['pause']>;
type GuardCode = NonNullable<GuardPause['code']>;

/** Zenoti's default unlock time: another try cannot succeed before it, and each may count as a wrong password. */
export const LOCKED_PAUSE_MS = 900_000;

/** Longest cool-down after rejected passwords in a row (unless `credentialsCooldownMs` is longer). */
export const MAX_CREDENTIALS_PAUSE_MS = 3_600_000;

/**
 * The longest pause for `reason`: an hour after rejected passwords, 15 minutes for a locked account
 * (each as long as `credentialsCooldownMs` when that is longer: the operator's choice), an hour for
 * a token endpoint's Retry-After; a fault's pause is the backoff's, which is bounded already.
 */
export function longestPause(reason: PauseReason, credentialsCooldownMs: number): number {
  if (reason === 'locked') return Math.max(LOCKED_PAUSE_MS, credentialsCooldownMs);
  if (reason === 'credentials') return Math.max(MAX_CREDENTIALS_PAUSE_MS, credentialsCooldownMs);
  return MAX_RETRY_AFTER_MS;
}

/** What callers are told during a guard's pause, by its code. */
const PAUSED_BECAUSE: Readonly<Record<GuardCode, string>> = {
  CREDENTIALS_REJECTED: 'Zenoti rejected the credentials',
  LOGIN_BLOCKED: "Zenoti's login policy blocked the sign-in",
  ACCOUNT_LOCKED: 'Zenoti locked the account',
};

/** The message a guard's pause is written with (for readers that show it): from its code only. */
export function pauseMessage(code: GuardCode | undefined): string {
  return `${PAUSED_BECAUSE[code ?? 'CREDENTIALS_REJECTED']}: token calls are paused for the fleet`;
}

/**
 * A guard's pause as this process honours it when it is on at `now`, else `undefined`: a pause
 * that is not one (`checkGuard`, as stores check what they read) is none, its end is brought
 * within `longestPause` of `now`, and its stored message is replaced by one of its code.
 */
export function boundedPause(
  guard: TokenGuard | undefined,
  now: number,
  credentialsCooldownMs: number,
): GuardPause | undefined {
  const pause = guard?.pause;
  if (!pause || !(pause.until > now) || typeof checkGuard({ pause }) === 'string') return undefined;
  const { reason, code } = pause;
  return {
    reason,
    code: reason === 'rate-limit' ? undefined : (code ?? 'CREDENTIALS_REJECTED'),
    until: Math.min(pause.until, now + longestPause(reason, credentialsCooldownMs)),
    status: pause.status,
    message: pauseMessage(code),
  };
}

/** The error callers meet during a guard's pause (one `boundedPause` gave). */
export function pauseError(pause: GuardPause, now: number): ZenotiAuthError {
  const left = pause.until - now;
  return pause.reason === 'rate-limit'
    ? rateLimited(left, 'Zenoti rate limit reached at the token endpoint')
    : new ZenotiAuthError(
        pause.code ?? 'CREDENTIALS_REJECTED',
        `${pause.message}; next try in ${Math.ceil(left / 1000)} s.`,
        { status: pause.status },
      );
}
