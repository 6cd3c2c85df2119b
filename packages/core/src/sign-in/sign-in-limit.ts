import { invalidOption } from '../errors.ts';
import { defined } from './defined.ts';

// The budget of failed sign-ins: the sign-in's rules, free of any framework.

/**
 * The budget of failed sign-ins (the sign-in's `limit`). Every sign-in spends one of the
 * organisation's Zenoti calls (60 a minute by default) and a wrong password counts towards
 * Zenoti's account lock-out, so failures are limited per username and per client address.
 */
export interface ZenotiSignInLimit {
  /**
   * Failed sign-ins per username (case-insensitive) before it is blocked. Keep it below Zenoti's
   * lock-out count (5 by default), so that no script can lock an account through your app.
   * @default 4
   */
  perUsername?: number | undefined;
  /** Failed sign-ins per client address before it is blocked. @default 20 */
  perAddress?: number | undefined;
  /**
   * How long failures are remembered, in seconds, counted from a key's **last** failure: a blocked
   * key stays blocked until then, and its count is forgotten only after this long without a
   * failure. Make it at least Zenoti's lock-out counting period (15 minutes by default).
   * @default 900
   */
  windowSeconds?: number | undefined;
  /**
   * How many usernames and addresses are remembered at most. Only expired ones are dropped: when
   * every one is live, a sign-in under a new username or address is answered 429 until one expires.
   * @default 10000
   */
  maxEntries?: number | undefined;
}

const DEFAULTS: { [K in keyof ZenotiSignInLimit]-?: number } = {
  perUsername: 4,
  perAddress: 20,
  windowSeconds: 900,
  maxEntries: 10_000,
};

/** The limits of the sign-in's `limit`, checked, with their defaults. */
export type SignInLimits = typeof DEFAULTS;

/** Checks `limit` (throws `INVALID_OPTIONS` naming the field): the limits, or `false` (no limit). */
export function readLimits(options: ZenotiSignInLimit | false | undefined, by: string): SignInLimits | false {
  if (options === false) return false;
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw invalidOption(by, 'limit', 'must be an object or false');
  const limits: SignInLimits = { ...DEFAULTS, ...defined(options) };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw invalidOption(by, `limit.${name}`, 'must be a positive integer');
  }
  return limits;
}

/** One username's (`u:`) or address's (`a:`) failures. */
interface Entry {
  /** Failures counted; all forgotten together once `expiresAt` has passed with none pending. */
  failures: number;
  /** Attempts charged whose answer is not known yet. */
  pending: number;
  /** The last failure (or the first charge) + the window. */
  expiresAt: number;
  /** The order (see `sequence`) in which the last failure was known; 0 before one. */
  lastFailure: number;
}

/** A sign-in let through: tell how it ended, once (later calls do nothing). */
export interface SignInAttempt {
  /** Zenoti accepted the password: the charge is taken back and the username's count cleared. */
  succeeded(): void;
  /** Anything else (wrong password, a refusal, Zenoti failing): the charge stays, a failure. */
  failed(): void;
}

/** Failed sign-ins per username and per client address (see `signInLimiter`). */
export interface SignInLimiter {
  /**
   * Lets a sign-in by `username` from `address` through and charges it, or refuses it and returns
   * the whole seconds to wait (nothing is charged then).
   */
  admit(username: string, address: string | undefined): SignInAttempt | number;
}

/** Whole seconds to wait for `ms`, at least 1 (a `Retry-After` of 0 would invite a retry at once). */
const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/**
 * Failed sign-ins per username (`u:` keys) and per client address (`a:` keys), in memory (per
 * process or isolate). Rules:
 * - An attempt is charged before Zenoti is called (concurrent attempts cannot slip past the limit).
 * - A failure blocks its keys until it + the window. Zenoti counts wrong passwords over a rolling
 *   period, so a count is forgotten only after a whole window without a failure: whatever Zenoti may
 *   still be counting is still counted here. A counter whose expiry each failure pushes back costs
 *   one small entry per key (so `maxEntries` bounds the memory), where a list of times would not.
 * - Failures are timed when their answer is known, after Zenoti has counted them.
 * - A success takes its charge back and clears the username's count, as Zenoti clears its own;
 *   not when a failure was answered after this attempt began (Zenoti may have counted it after).
 * - A live entry is never dropped to make room: that would unblock a blocked username.
 */
export function signInLimiter(limits: SignInLimits): SignInLimiter {
  const windowMs = limits.windowSeconds * 1000;
  // Insertion order is expiry order: a key is inserted anew each time its expiry moves.
  const entries = new Map<string, Entry>();
  // Orders the beginnings of attempts and the failures known (two can share a millisecond).
  let sequence = 0;

  /** Drops expired entries, oldest first, until `needed` new ones fit: 0, else the ms to wait. */
  const makeRoom = (needed: number, now: number): number => {
    for (const [key, entry] of entries) {
      if (entries.size + needed <= limits.maxEntries) break;
      // Sorted by expiry: none behind a live entry has expired.
      if (entry.expiresAt > now) return entry.expiresAt - now;
      // Expired, but with attempts still waiting for Zenoti: live until they are answered.
      if (entry.pending === 0) entries.delete(key);
    }
    return entries.size + needed > limits.maxEntries ? 1000 : 0;
  };

  const settle = (keys: string[], begun: number, failed: boolean): void => {
    const now = Date.now();
    for (const key of keys) {
      // Never missing: an entry with an attempt pending is never dropped.
      const entry = entries.get(key) as Entry;
      entry.pending--;
      if (failed) {
        entry.failures++;
        entry.lastFailure = ++sequence;
        entry.expiresAt = now + windowMs;
        entries.delete(key);
        entries.set(key, entry);
        continue;
      }
      if (key[0] === 'u' && entry.lastFailure < begun) entry.failures = 0;
      if (entry.failures === 0 && entry.pending === 0) entries.delete(key);
    }
  };

  return {
    admit(username, address) {
      const now = Date.now();
      const keys = [`u:${username.toLowerCase()}`, ...(address ? [`a:${address}`] : [])];
      let wait = 0;
      let fresh = 0;
      for (const key of keys) {
        const entry = entries.get(key);
        // Expired (and no attempt pending): forgotten, a new key.
        if (!entry || (entry.pending === 0 && entry.expiresAt <= now)) {
          entries.delete(key);
          fresh++;
        } else if (
          entry.failures + entry.pending >=
          (key[0] === 'u' ? limits.perUsername : limits.perAddress)
        )
          wait = Math.max(wait, seconds(entry.expiresAt - now));
      }
      if (wait) return wait;
      // Full of live entries: refused, rather than forgetting one (see above).
      const full = fresh && makeRoom(fresh, now);
      if (full) return seconds(full);
      for (const key of keys) {
        const entry = entries.get(key);
        if (entry) entry.pending++;
        else entries.set(key, { failures: 0, pending: 1, expiresAt: now + windowMs, lastFailure: 0 });
      }
      const begun = ++sequence;
      let open = true;
      const end = (failed: boolean) => () => {
        if (open) settle(keys, begun, failed);
        open = false;
      };
      return { succeeded: end(false), failed: end(true) };
    },
  };
}
