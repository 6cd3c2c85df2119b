import type { TokenStore } from '@zenoti-auth/core';

/** The refresh lock the engine of this isolate last asked for, and the store it asked. */
export interface LockSeen {
  store: TokenStore & Required<Pick<TokenStore, 'lock'>>;
  key: string;
}

const wrappers = new WeakMap<TokenStore, TokenStore>();

/**
 * `store`, noting the key of each lock taken (for /probe-lock). One wrapper per store, so that an
 * engine cache keyed by the store sees the same one every request (as it sees the store itself).
 */
export const watched = Object.assign(
  (store: TokenStore & Required<Pick<TokenStore, 'lock'>>): TokenStore => {
    let wrapper = wrappers.get(store);
    if (!wrapper) {
      wrapper = {
        local: false,
        get: (key) => store.get(key),
        set: (key, value, ttlMs) => store.set(key, value, ttlMs),
        delete: (key, ifVersion) => store.delete(key, ifVersion),
        getGuard: (key) => store.getGuard?.(key),
        setGuard: (key, guard, ttlMs) => store.setGuard?.(key, guard, ttlMs),
        lock: (key, options) => {
          watched.lastLock = { store, key };
          return store.lock(key, options);
        },
      };
      wrappers.set(store, wrapper);
    }
    return wrapper;
  },
  { lastLock: undefined as LockSeen | undefined },
);
