import type { Emitter } from './events.ts';
import type { StoreState } from './key-state.ts';
import type { LockOutcome, StoreRead } from './store-answers.ts';
import { type StoreOutage, storeOutageOf } from './store-outage.ts';
import { instrumentation, type ZenotiStoreOperation } from './telemetry.ts';
import type { MaybePromise, TokenGuard, TokenSet, TokenStore } from './types.ts';
import { type WarningListener, warningListener, warningRouteOf, warnOf } from './warning-route.ts';

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/**
 * The token store as the engine uses it. Never throws. A remote store may fail or lose its data:
 * - a failed read serves the last set seen; a failed write or delete keeps the set in this process;
 *   one `warning` event per outage and one when the store answers again (`StoreOutage`, one per
 *   store); those and the store's own warnings (`addWarningListener`) reach one engine of the store;
 * - reads are monotonic: a stored set older than the newest this process has seen, or none while
 *   this process holds a live one (a restart without persistence, a failover, FLUSHALL), is written
 *   back from this process's copy, unless the fleet ended that set on purpose (`endedVersion`). The
 *   copy written back carries `refreshNotBefore`: whoever was spending its refresh token when the
 *   store lost it has until then to store the result, and nobody spends it meanwhile.
 */
export class ResilientStore {
  readonly #store: TokenStore;
  readonly #state: StoreState;
  readonly #now: () => number;
  /** How long a set written back keeps its refresh token unspent: the retry deadline of a refresh. */
  readonly #holdMs: number;
  readonly #outage: StoreOutage;
  readonly #events: Emitter;
  /** How this engine hears the warnings about the store (routes hold it weakly: kept here). */
  readonly #hearing: WarningListener;
  /** Writes-back in progress, by key: concurrent readers share one. */
  readonly #restoring = new Map<string, Promise<StoreRead>>();
  /** The version last written back per key, so that one loss is warned about once. */
  readonly #restored = new Map<string, number>();

  constructor(store: TokenStore, state: StoreState, events: Emitter, now: () => number, holdMs: number) {
    this.#store = store;
    this.#state = state;
    this.#events = events;
    this.#now = now;
    this.#holdMs = holdMs;
    this.#outage = storeOutageOf(store);
    this.#hearing = warningListener(events, 'store');
    warningRouteOf(store).add(this.#hearing);
    store.addWarningListener?.(this.#hearing);
  }

  /** Whether the store lives in this process. */
  get local(): boolean {
    return this.#store.local === true;
  }

  /** Whether the store answered its last command (or none failed yet). */
  get reachable(): boolean {
    return !this.#outage.down;
  }

  /** Why a command last failed, and when (real time). */
  get lastError(): { message: string; at: number } | undefined {
    return this.#outage.lastError;
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

  /** The set under `key`; for a remote store that failed or lost it, the last one seen (see the class). */
  async read(key: string): Promise<TokenSet | undefined> {
    return (await this.inspect(key)).set;
  }

  /** As `read`, and whether the store itself answered. */
  async inspect(key: string): Promise<StoreRead> {
    const known = this.#state.peek(key);
    const writing = known?.writing ?? 0;
    const written = known?.written ?? 0;
    let set: TokenSet | undefined;
    try {
      set = await this.#store.get(key);
    } catch (error) {
      const lastSeen = this.#state.peek(key)?.lastSeen;
      this.#failed('get', error, lastSeen !== undefined);
      return { set: lastSeen, fromStore: false };
    }
    this.#outage.answered();
    if (this.local) return { set, fromStore: true };
    // Compared with the newest set known now: this process may have stored one during the read.
    const after = this.#state.peek(key);
    const lastSeen = after?.lastSeen;
    if (lastSeen === undefined || (set !== undefined && set.version >= lastSeen.version)) {
      if (set) this.#remember(key, set);
      return { set, fromStore: true };
    }
    // A read that overlapped a write of this process's own may have been answered before it landed:
    // not a loss (a shared store may even have joined a read begun earlier).
    if (writing > 0 || (after?.writing ?? 0) > 0 || (after?.written ?? 0) !== written)
      return { set: lastSeen, fromStore: true };
    // The store is behind this process: an older set, or none while ours is alive.
    if (set === undefined && lastSeen.accessTokenExpiresAt <= this.#now()) {
      this.#forgetLastSeen(key);
      return { set, fromStore: true };
    }
    const running = this.#restoring.get(key);
    if (running) return running;
    const restoring = this.#restore(key, set, lastSeen).finally(() => this.#restoring.delete(key));
    this.#restoring.set(key, restoring);
    return restoring;
  }

  /** Writes `lastSeen` back over `stored` (older, or absent), unless the fleet ended it on purpose. */
  async #restore(key: string, stored: TokenSet | undefined, lastSeen: TokenSet): Promise<StoreRead> {
    const guard = await this.readGuard(key);
    const ended = Math.max(guard?.endedVersion ?? -1, guard?.refusedRefreshVersion ?? -1);
    if (ended >= lastSeen.version) {
      this.#forgetLastSeen(key);
      if (stored) this.#remember(key, stored);
      return { set: stored, fromStore: true };
    }
    const now = this.#now();
    const restored: TokenSet = { ...lastSeen, refreshNotBefore: now + this.#holdMs };
    if (this.#restored.get(key) !== lastSeen.version) {
      this.#restored.set(key, lastSeen.version);
      this.#warn(
        `Token store ${stored ? `held an older token set (version ${stored.version} < ${lastSeen.version})` : 'had lost the token set'}; this process wrote its own back. Its refresh token is not spent for ${this.#holdMs} ms, in case another process was spending it.`,
      );
    }
    await this.write(key, restored, Math.max(1_000, keepUntil(restored) - now));
    return { set: restored, fromStore: true };
  }

  /** Stores `set`; a remote store's set is also remembered here, in case the store goes away. Whether the store took it. */
  async write(key: string, set: TokenSet, ttlMs: number): Promise<boolean> {
    if (this.local) return this.#attempt('set', () => this.#store.set(key, set, ttlMs));
    this.#remember(key, set);
    const state = this.#state.change(key);
    state.writing = (state.writing ?? 0) + 1;
    try {
      return await this.#attempt('set', () => this.#store.set(key, set, ttlMs));
    } finally {
      state.writing = (state.writing ?? 1) - 1;
      state.written = (state.written ?? 0) + 1;
    }
  }

  /** Deletes the set under `key` (with `ifVersion`, only that version) and forgets the copy. */
  async remove(key: string, ifVersion?: number): Promise<void> {
    this.#forgetLastSeen(key);
    await this.#attempt('delete', () => this.#store.delete(key, ifVersion));
  }

  /** The guard shared under `key` (`TokenGuard`); `undefined` when there is none, the store keeps none, or it failed. */
  async readGuard(key: string): Promise<TokenGuard | undefined> {
    return (await this.inspectGuard(key))?.guard;
  }

  /** As `readGuard`, but `undefined` only when the store failed (or keeps no guards). */
  async inspectGuard(key: string): Promise<{ guard: TokenGuard | undefined } | undefined> {
    if (!this.#store.getGuard) return undefined;
    try {
      const guard = (await this.#store.getGuard(key)) ?? undefined;
      this.#outage.answered();
      return { guard };
    } catch (error) {
      this.#failed('getGuard', error, this.#state.peek(key)?.lastSeen !== undefined);
      return undefined;
    }
  }

  /** Shares `guard` under `key` for `ttlMs` (`undefined` lifts it), where the store can; whether it did. */
  async writeGuard(key: string, guard: TokenGuard | undefined, ttlMs: number): Promise<boolean> {
    const store = this.#store;
    return (
      store.setGuard !== undefined &&
      (await this.#attempt('setGuard', () => store.setGuard?.(key, guard, ttlMs)))
    );
  }

  /** Asks for the store's cross-process lock on `key` (see `LockOutcome`); `signal` ends the wait. */
  async lock(key: string, ttlMs: number, signal: AbortSignal): Promise<LockOutcome> {
    if (!this.#store.lock) return 'no lock';
    try {
      const lock = await this.#store.lock(key, { ttlMs, signal });
      this.#outage.answered();
      return lock ?? 'held elsewhere';
    } catch (error) {
      this.#failed('lock', error, true);
      return 'failed';
    }
  }

  /** Releases a lock; a failure is part of the outage (the lock then expires by itself). */
  async unlock(lock: LockOutcome): Promise<void> {
    if (typeof lock === 'object') await this.#attempt('release', () => lock.release());
  }

  #remember(key: string, set: TokenSet): void {
    this.#state.change(key).lastSeen = set;
  }

  #forgetLastSeen(key: string): void {
    const state = this.#state.peek(key);
    if (state) state.lastSeen = undefined;
  }

  /** Runs a command whose failure is part of the outage; whether it succeeded. */
  async #attempt(
    operation: ZenotiStoreOperation,
    op: () => MaybePromise<void> | undefined,
  ): Promise<boolean> {
    try {
      await op();
      this.#outage.answered();
      return true;
    } catch (error) {
      this.#failed(operation, error, true);
      return false;
    }
  }

  /** A failed command: part of the outage, and counted by an instrumentation package that listens. */
  #failed(operation: ZenotiStoreOperation, error: unknown, seen: boolean): void {
    instrumentation()?.storeError(operation);
    this.#outage.failed(error, seen);
  }

  #warn(message: string): void {
    warnOf(this.#events, 'store', `[@zenoti-auth/core] ${message}`);
  }
}

/** How long a set is worth keeping: until its refresh token (or, without one, its access token) expires. */
export function keepUntil(set: TokenSet): number {
  return Math.max(set.refreshTokenExpiresAt ?? 0, set.accessTokenExpiresAt);
}
