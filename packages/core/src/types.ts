import type { LoginPolicy } from './login-policy.ts';
import type { EpochMilliseconds } from './time.ts';
import type { WarningListener } from './warning-route.ts';

/** A token set as zenoti-auth keeps it. Stores persist it as-is (JSON-safe). */
export interface TokenSet {
  /** The opaque access token (secret). */
  accessToken: string;
  /** When the access token expires, ms since epoch, already corrected for clock skew. */
  accessTokenExpiresAt: EpochMilliseconds;
  /** The single-use refresh token (secret), when Zenoti gave one. */
  refreshToken?: string;
  /** When the refresh token expires, ms since epoch. */
  refreshTokenExpiresAt?: EpochMilliseconds;
  /** Zenoti's `token_id`, when sent. */
  tokenId?: string;
  /** Zenoti's `user_type` (`Employee` or `Guest`). */
  userType?: string;
  /** When this set was obtained, ms since epoch. */
  obtainedAt: EpochMilliseconds;
  /** Zenoti's login policy evaluation of the sign-in or refresh that gave this set, when it sent one. */
  loginPolicy?: LoginPolicy;
  /** Grows by one with each new set under a key, so a slow writer cannot replace a newer set. */
  version: number;
  /**
   * Set on a set that a process wrote back after the store lost it or showed an older one (a
   * restart without persistence, a failover, FLUSHALL): its refresh token is not sent before this
   * time (engine clock, ms since epoch), in case another process was spending it when the store lost
   * it. The access token serves meanwhile.
   */
  refreshNotBefore?: EpochMilliseconds | undefined;
  /** The claim of a process that is sending this set's refresh token (`refresh-claim.ts`): no secret. */
  refreshClaim?: RefreshClaim | undefined;
}

/** Who sends a set's refresh token, and until when others wait for its result (engine clock). */
export interface RefreshClaim {
  /** A random id of the engine that claimed it. */
  by: string;
  until: EpochMilliseconds;
}

/** A value or a promise of it: in-memory stores answer synchronously, remote ones asynchronously. */
export type MaybePromise<T> = T | Promise<T>;

export interface TokenStoreLockOptions {
  /** How long the lock may be held before it expires by itself (a store may use its own, configured value). */
  ttlMs: number;
  /** Ends the wait for a lock held elsewhere (the engine bounds it by `retry.deadlineMs`). */
  signal?: AbortSignal;
}

/** A held cross-process lock. */
export interface TokenStoreLock {
  /** Releases the lock if this holder still owns it. */
  release(): MaybePromise<void>;
}

/**
 * What every process that shares a store must respect under one token key, so that a fleet acts as
 * one client toward Zenoti's lockout and rate limit: one attempt per pause, not one per process.
 * Holds no secret (JSON-safe); times are on the engine clock (`options.now`).
 */
export interface TokenGuard {
  /** No token call under the key before `until`: Zenoti rejected the password, or its token endpoint asked to wait. */
  pause?: {
    /** `credentials`: a rejected password or a blocked sign-in; `locked`: the account is locked. */
    reason: 'credentials' | 'locked' | 'rate-limit';
    /** The code callers meet. @default 'CREDENTIALS_REJECTED' (`RATE_LIMITED` for `rate-limit`) */
    code?: 'CREDENTIALS_REJECTED' | 'LOGIN_BLOCKED' | 'ACCOUNT_LOCKED' | undefined;
    /** Ms since the Unix epoch (engine clock). */
    until: EpochMilliseconds;
    /** The error callers meet meanwhile: Zenoti's status and a safe message. */
    status?: number | undefined;
    message: string;
  };
  /** Passwords rejected in a row under the key: each one doubles the next cool-down. */
  passwordStrikes?: number;
  /** Zenoti refused the refresh token of the set with this version (or an older one): never send it again. */
  refusedRefreshVersion?: number;
  /**
   * The set with this version (or an older one) was removed on purpose (logout, revoke, a refused
   * refresh token): a process that still holds it does not write it back.
   */
  endedVersion?: number;
}

/**
 * Where token sets live. Keys are namespaced by credential identity and never contain a secret.
 *
 * Implementations must make `set` monotonic: when the stored set has a higher `version`
 * than the one being written, keep the stored one.
 */
export interface TokenStore {
  get(key: string): MaybePromise<TokenSet | undefined>;
  /** Stores `value` for at most `ttlMs`. */
  set(key: string, value: TokenSet, ttlMs: number): MaybePromise<void>;
  /** Deletes the entry; with `ifVersion`, only if the stored set still has that version. */
  delete(key: string, ifVersion?: number): MaybePromise<void>;
  /**
   * Optional cross-process lock for single flight across a fleet. Resolves once the lock is held
   * (the engine then re-reads the store before calling Zenoti), or `undefined` if it could not be
   * had within the store's wait limit. May throw when the backing service is down: the engine
   * then carries on with in-process single flight and emits a `warning` event.
   */
  lock?(key: string, options: TokenStoreLockOptions): Promise<TokenStoreLock | undefined>;
  /**
   * Optional, in-process stores only: the set under `key` at once, without any expiry check (the
   * engine checks the token's own expiry, which always comes before the entry's TTL). The engine's
   * hot path uses it to spare a clock read, which costs ~100 ns on some virtual machines.
   */
  peek?(key: string): TokenSet | undefined;
  /**
   * Optional, for stores shared by processes (an in-process store shares through the engine's own
   * state): the guard recorded under `key` (see `TokenGuard`). May throw when the service is down.
   */
  getGuard?(key: string): MaybePromise<TokenGuard | undefined>;
  /** Records `guard` under `key` for `ttlMs`, replacing the one there; `undefined` deletes it. */
  setGuard?(key: string, guard: TokenGuard | undefined, ttlMs: number): MaybePromise<void>;
  /** `true` for stores that live in this process (the engine needs no local fallback copy). */
  readonly local?: boolean;
  /**
   * `true` for a store that tells its own outages as warnings (their cause once, and their end, as
   * `RedisTokenStore` does): the engine then records a failure for `healthOf()` but does not warn of
   * it again. One warning per cause.
   */
  readonly reportsOutages?: boolean;
  /**
   * Optional: lets the engines that use the store tell its warnings to the app as `warning` events
   * (`source: 'store'`), to their listeners rather than the console. Each engine calls it once,
   * when it is made. Hold the listeners weakly, and tell each warning to the first that returns
   * `true`, else the console: `WarningRoute` does it all.
   */
  addWarningListener?(listener: WarningListener): void;
}
