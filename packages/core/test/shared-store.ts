import {
  MemoryTokenStore,
  type TokenGuard,
  type TokenSet,
  type TokenStore,
  type TokenStoreLock,
  ZenotiAuthError,
} from '../src/index.ts';

/** What a test can make the shared store do, as a Redis would on a bad day. */
export interface StoreFaults {
  /** Every command fails (Redis down). */
  down: boolean;
  /** The lock is held by another process: `lock()` waits for its signal, then gives up. */
  lockedElsewhere: boolean;
  /** Reads fail once this process holds the lock (a failover right after the lock was taken). */
  readsFailUnderLock: boolean;
}

/**
 * A store shared "by processes", as `RedisTokenStore` behaves, in memory: token sets, guards and a
 * lock, `local: false` (so the engine keeps its last-seen copy), with switches for the faults a
 * remote store meets (`StoreFaults`) and for data loss (`lose`, `replace`). Engines given the same
 * `store` share one process's state; each `view()` plays another process of the fleet.
 */
export function sharedStore() {
  const sets = new MemoryTokenStore();
  const guards = new Map<string, TokenGuard>();
  const faults: StoreFaults = { down: false, lockedElsewhere: false, readsFailUnderLock: false };
  const counts = { locks: 0, lockFailures: 0 };
  const written = new Set<string>();
  let held = false;
  const fail = (): never => {
    throw new ZenotiAuthError('STORE', '[@zenoti-auth/test] Test store GET failed: ECONNREFUSED.');
  };
  const check = (): void => {
    if (faults.down) fail();
  };
  /** One process's view of the store: engines given different views keep different in-process state. */
  const view = (): TokenStore => ({
    local: false,
    get: (key) => {
      check();
      if (held && faults.readsFailUnderLock) fail();
      return sets.get(key);
    },
    set: (key, set, ttlMs) => {
      check();
      written.add(key);
      sets.set(key, set, ttlMs);
    },
    delete: (key, ifVersion) => {
      check();
      sets.delete(key, ifVersion);
    },
    getGuard: (key) => {
      check();
      return guards.get(key);
    },
    setGuard: (key, guard) => {
      check();
      if (guard) guards.set(key, guard);
      else guards.delete(key);
    },
    async lock(_key, { signal }): Promise<TokenStoreLock | undefined> {
      if (faults.down) counts.lockFailures++;
      check();
      if (faults.lockedElsewhere || held) {
        await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
        return undefined;
      }
      held = true;
      counts.locks++;
      return {
        release: () => {
          held = false;
        },
      };
    },
  });
  const store = view();
  return {
    store,
    view,
    faults,
    counts,
    guards,
    /** The set under `key` as stored now. */
    stored: (key: string): TokenSet | undefined => sets.get(key),
    /** Every key a set was written under. */
    keys: (): string[] => [...written],
    /** The store forgets everything (a restart without persistence, FLUSHALL). */
    lose(): void {
      sets.clear();
      guards.clear();
      held = false;
    },
    /** The store holds `set` under `key` (an older one, after a failover that lost writes). */
    replace(key: string, set: TokenSet): void {
      sets.delete(key);
      sets.set(key, set, 3_600_000);
    },
  };
}
