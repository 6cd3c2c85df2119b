import type { ZenotiAuthError, ZenotiAuthErrorCode } from './errors.ts';
import { processWide } from './registry.ts';
import type { TokenSet, TokenStore } from './types.ts';

/** A refresh running for a key: every caller that needs the key's token awaits (or polls for) it. */
export interface Flight {
  promise: Promise<TokenSet>;
  /** When it started, real time (`Date.now()`): a flight older than the retry deadline is given up on. */
  since: number;
}

/** Why token calls under a key are paused, and what callers meet meanwhile. */
export type PauseReason =
  /** Zenoti rejected the password, or its login policy the sign-in: callers fail with that error (`credentialsCooldownMs`). */
  | 'credentials'
  /** Zenoti locked the account: callers fail with `ACCOUNT_LOCKED` for a long while. */
  | 'locked'
  /** A 429 with no live token: callers fail fast with `RATE_LIMITED` until Retry-After is over. */
  | 'rate-limit'
  /** A fault (5xx, timeout) with no live token: the next refresh waits, callers join it. */
  | 'fault';

/**
 * What the engines of one store know about one token key, beyond the stored set itself.
 * Times marked "engine clock" are on `options.now` (tests move it); the others are real time.
 */
export interface KeyState {
  /** The refresh in flight (single flight). */
  flight?: Flight | undefined;
  /** The access token a 401 proved dead. */
  rejectedToken?: string | undefined;
  /** When a 401 last invalidated a token under this key (engine clock). */
  lastUnauthorizedAt?: number | undefined;
  /**
   * A ride-out: `token` is alive but could not be renewed (`why`); it serves until the next try `at`
   * (engine clock).
   */
  ride?: { token: string; at: number; why: string } | undefined;
  /** Passwords Zenoti rejected in a row under this key: each doubles the next cool-down. */
  passwordStrikes?: number | undefined;
  /**
   * No token call before `until` (engine clock). `shared`: the pause is in the store's guard too
   * (written there, or read from it), so the guard is read again before a caller fails with it.
   */
  pause?: { reason: PauseReason; until: number; error: ZenotiAuthError; shared?: boolean } | undefined;
  /**
   * When (on `StoreState.sessionClock`) a session under this key last started or ended (`login()`,
   * `logout()`, `revoke()`): a refresh that began before does not store its set.
   */
  session?: number | undefined;
  /** The last token call under this key that failed, as `healthOf()` reports it. */
  failure?: LastFailure | undefined;
  /** Remote stores only: the newest set seen, served while the store is down, and written back if it lost it. */
  lastSeen?: TokenSet | undefined;
  /** Remote stores only: writes of this process under the key, begun and not yet done. */
  writing?: number | undefined;
  /** Remote stores only: writes of this process under the key done so far. */
  written?: number | undefined;
}

/** A failed call, as `healthOf()` reports it: its code, whether it may pass, and when (engine clock). */
export interface LastFailure {
  code: ZenotiAuthErrorCode;
  transient: boolean;
  at: number;
}

/** Most key records kept per store; the least recently changed without a flight go first. */
const MAX_KEYS = 10_000;
/** Most accepted-token ids remembered per store. */
const MAX_ACCEPTED = 1_024;

/**
 * Everything the engines of one process that share a store share: a record per token key, and
 * three store-wide facts.
 */
export class StoreState {
  readonly #keys = new Map<string, KeyState>();
  /** Goes up by one per session start or end under any key; `KeyState.session` is read on it. */
  sessionClock = 0;
  /** Goes up whenever a token is marked rejected or a pause starts: cached answers made before are re-checked. */
  epoch = 0;
  /** Ids (`acceptedId()`) of access tokens Zenoti accepted at least once; bounded, newest kept. */
  readonly accepted = new Set<string>();

  /** The record of `key`, if there is one; reading never creates or reorders. */
  peek(key: string): KeyState | undefined {
    return this.#keys.get(key);
  }

  /** The record of `key`, created if needed and moved to the newest end (it is being changed). */
  change(key: string): KeyState {
    const keys = this.#keys;
    const state = keys.get(key) ?? {};
    keys.delete(key);
    keys.set(key, state);
    if (keys.size > MAX_KEYS) this.#dropOldest();
    return state;
  }

  /** Drops the oldest record that has no flight: dropping a running flight would allow a second one. */
  #dropOldest(): void {
    for (const [key, state] of this.#keys)
      if (state.flight === undefined) {
        this.#keys.delete(key);
        return;
      }
  }

  /** Records that Zenoti accepted a token (by its id); returns nothing, costs one lookup when known. */
  accept(id: string): void {
    const accepted = this.accepted;
    if (accepted.has(id)) return;
    accepted.add(id);
    if (accepted.size > MAX_ACCEPTED) accepted.delete(accepted.values().next().value as string);
  }

  /** Marks the start (login) or end (logout, revoke) of a session under `key`. */
  newSession(key: string): void {
    this.change(key).session = ++this.sessionClock;
  }
}

/**
 * Zenoti tokens are ~1 kB; the tail is unique enough to remember which ones were accepted.
 * Taking the id of an id gives the id back.
 */
export function acceptedId(token: string): string {
  return token.slice(-32);
}

/** The state of a store, one per process (shared by ESM and CJS copies of this package). */
export function storeStateOf(store: TokenStore): StoreState {
  return processWide('@zenoti-auth/core/v2/store-state', store, () => new StoreState());
}
