import type { LockoutOptions, LockoutStatus } from './types.ts';

/** Zenoti's default of 5 failed attempts; 15 minutes to count them and 15 minutes locked. */
export const DEFAULT_LOCKOUT: Required<LockoutOptions> = {
  attempts: 5,
  windowMs: 900_000,
  unlockAfterMs: 900_000,
};

/** The message of the lockout answer, after the text of Zenoti's help pages. */
export const LOCKED_MESSAGE =
  'Login failed, account has been locked. Try again later or ask an administrator.';

/** Checks lockout options into a complete copy; throws an error naming the bad field. */
export function validateLockout(value: unknown): Required<LockoutOptions> | false {
  if (value === false) return false;
  if (typeof value !== 'object' || value === null) {
    throw new Error('zenoti-mock: lockout must be false or { attempts?, windowMs?, unlockAfterMs? }');
  }
  const given = value as Record<string, unknown>;
  const { attempts = DEFAULT_LOCKOUT.attempts } = given;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1) {
    throw new Error(`zenoti-mock: lockout.attempts must be a whole number ≥ 1, got ${String(attempts)}`);
  }
  const ms = (name: 'windowMs' | 'unlockAfterMs'): number => {
    const n = given[name] ?? DEFAULT_LOCKOUT[name];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 1) {
      throw new Error(
        `zenoti-mock: lockout.${name} must be a finite number ≥ 1 (milliseconds), got ${String(n)}`,
      );
    }
    return n;
  };
  return { attempts, windowMs: ms('windowMs'), unlockAfterMs: ms('unlockAfterMs') };
}

interface UserLock {
  /** Times of rejected passwords still inside the counting window, oldest first. */
  failures: number[];
  /** When the lock ends; `undefined` while not locked. */
  lockedUntil?: number;
}

/**
 * Rejected passwords per user (`userKeyOf`): `attempts` of them within `windowMs` lock the login for
 * `unlockAfterMs`, on the mock's clock. While locked every password grant of that user fails, right
 * or wrong; a correct password before that clears the count.
 */
export class Lockout {
  #config: Required<LockoutOptions> | false;
  readonly #users = new Map<string, UserLock>();

  constructor(config: Required<LockoutOptions> | false) {
    this.#config = config;
  }

  /** New rules; every lock and count is forgotten. */
  set(config: Required<LockoutOptions> | false): void {
    this.#config = config;
    this.#users.clear();
  }

  /** The user's record brought up to `now`: an expired lock lifted, old failures dropped. */
  #current(userKey: string, now: number): UserLock | undefined {
    const config = this.#config;
    const record = this.#users.get(userKey);
    if (config === false || record === undefined) return undefined;
    if (record.lockedUntil !== undefined && now >= record.lockedUntil) {
      // The lock ran out: the user starts from a clean slate.
      this.#users.delete(userKey);
      return undefined;
    }
    record.failures = record.failures.filter((at) => at > now - config.windowMs);
    return record;
  }

  isLocked(userKey: string, now: number): boolean {
    return this.#current(userKey, now)?.lockedUntil !== undefined;
  }

  /** Counts a rejected password; `true` when this one locks the login. */
  recordFailure(userKey: string, now: number): boolean {
    const config = this.#config;
    if (config === false) return false;
    const record = this.#current(userKey, now) ?? { failures: [] };
    this.#users.set(userKey, record);
    record.failures.push(now);
    if (record.failures.length < config.attempts) return false;
    record.failures = [];
    record.lockedUntil = now + config.unlockAfterMs;
    return true;
  }

  /** A correct password (while not locked) clears the count. */
  recordSuccess(userKey: string): void {
    this.#users.delete(userKey);
  }

  /** An administrator's unlock, or a user removed: forget the user. */
  forget(userKey: string): void {
    this.#users.delete(userKey);
  }

  status(userKey: string, now: number): LockoutStatus {
    const record = this.#current(userKey, now);
    return {
      locked: record?.lockedUntil !== undefined,
      lockedUntil: record?.lockedUntil ?? null,
      failedAttempts: record?.failures.length ?? 0,
    };
  }
}
