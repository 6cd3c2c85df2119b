import type { Emitter } from './events.ts';
import type { StoreState } from './key-state.ts';
import type { MaybePromise, TokenGuard, TokenSet, TokenStore, TokenStoreLock } from './types.ts';

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/**
 * The token store as the engine uses it. A remote store may fail or lose its data (a restart):
 * a failed read serves the last set seen, a failed write or delete is a `warning` event, and the
 * engine carries on in this process. Never throws.
 */
export class ResilientStore {
  readonly #store: TokenStore;
  readonly #state: StoreState;
  readonly #events: Emitter;
  readonly #now: () => number;

  constructor(store: TokenStore, state: StoreState, events: Emitter, now: () => number) {
    this.#store = store;
    this.#state = state;
    this.#events = events;
    this.#now = now;
  }

  /** Whether the store lives in this process. */
  get local(): boolean {
    return this.#store.local === true;
  }

  /**
   * The set under `key` if an in-process store has it at hand right now, else `undefined`; by
   * `peek()`, without a clock read, where the store has it.
   */
  readNow(key: string): TokenSet | undefined {
    if (!this.local) return undefined;
    const store = this.#store;
    if (store.peek) return store.peek(key);
    const set = store.get(key);
    if (!isThenable(set)) return set;
    set.then(undefined, () => undefined); // never leave a rejection unhandled
    return undefined;
  }

  /** The set under `key`; for a remote store that failed or lost it, the last live one seen. */
  async read(key: string): Promise<TokenSet | undefined> {
    const lastSeen = this.#state.peek(key)?.lastSeen;
    let set: TokenSet | undefined;
    try {
      set = await this.#store.get(key);
    } catch {
      this.#warn('read failed; using the last token seen');
      return lastSeen;
    }
    if (this.local) return set;
    if (set) this.#remember(key, set);
    return set ?? (lastSeen && lastSeen.accessTokenExpiresAt > this.#now() ? lastSeen : undefined);
  }

  /** Stores `set`; a remote store's set is also remembered here, in case the store goes away. */
  async write(key: string, set: TokenSet, ttlMs: number): Promise<void> {
    if (!this.local) this.#remember(key, set);
    await this.#attempt(() => this.#store.set(key, set, ttlMs), 'write failed; token kept in this process');
  }

  /** Deletes the set under `key` (with `ifVersion`, only that version) and forgets the copy. */
  async remove(key: string, ifVersion?: number): Promise<void> {
    const state = this.#state.peek(key);
    if (state) state.lastSeen = undefined;
    await this.#attempt(() => this.#store.delete(key, ifVersion), 'delete failed');
  }

  /** The guard shared under `key` (`TokenGuard`); `undefined` when there is none, the store keeps none, or it failed. */
  async readGuard(key: string): Promise<TokenGuard | undefined> {
    if (!this.#store.getGuard) return undefined;
    try {
      return (await this.#store.getGuard(key)) ?? undefined;
    } catch {
      this.#warn('guard read failed; this process keeps its own pauses');
      return undefined;
    }
  }

  /** Shares `guard` under `key` for `ttlMs` (`undefined` lifts it), where the store can. */
  async writeGuard(key: string, guard: TokenGuard | undefined, ttlMs: number): Promise<void> {
    const store = this.#store;
    if (store.setGuard) await this.#attempt(() => store.setGuard?.(key, guard, ttlMs), 'guard write failed');
  }

  /**
   * The store's cross-process lock on `key`: the lock, `'held elsewhere'` when another holder kept
   * it past `signal`, or `undefined` when the store has none or failed (single flight in this process only).
   */
  async lock(
    key: string,
    ttlMs: number,
    signal: AbortSignal,
  ): Promise<TokenStoreLock | 'held elsewhere' | undefined> {
    if (!this.#store.lock) return undefined;
    try {
      return (await this.#store.lock(key, { ttlMs, signal })) ?? 'held elsewhere';
    } catch {
      this.#warn('lock failed; single flight in this process only');
      return undefined;
    }
  }

  /** Releases a lock; a failure is a warning (the lock then expires by itself). */
  async unlock(lock: TokenStoreLock | undefined): Promise<void> {
    await this.#attempt(() => lock?.release(), 'unlock failed; the lock will expire');
  }

  #remember(key: string, set: TokenSet): void {
    this.#state.change(key).lastSeen = set;
  }

  async #attempt(op: () => MaybePromise<void> | undefined, failure: string): Promise<void> {
    try {
      await op();
    } catch {
      this.#warn(failure);
    }
  }

  #warn(failure: string): void {
    this.#events.emit({ type: 'warning', message: `[@zenoti-auth/core] Token store ${failure}.` });
  }
}
