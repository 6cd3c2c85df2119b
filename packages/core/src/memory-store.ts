import type { TokenSet, TokenStore } from './types.ts';

export interface MemoryTokenStoreOptions {
  /** Most entries kept; the least recently used go first. @default 10_000 */
  maxEntries?: number;
  /** Clock for TTLs. @default Date.now */
  now?: () => number;
}

interface Entry {
  value: TokenSet;
  expiresAt: number;
  /** Read since it last reached the front of the eviction queue. */
  used: boolean;
}

/**
 * A bounded, least-recently-used store of token sets in this process. The default store: every `ZenotiAuth` that is not
 * given a store shares one instance, so identical credentials share one token and one refresh.
 */
export class MemoryTokenStore implements TokenStore {
  readonly local = true;
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryTokenStoreOptions = {}) {
    const max = options.maxEntries ?? 10_000;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError('[@zenoti-auth/core] MemoryTokenStore maxEntries must be a positive integer.');
    }
    this.#maxEntries = max;
    this.#now = options.now ?? Date.now;
  }

  /** Number of entries held (expired ones included until touched). */
  get size(): number {
    return this.#entries.size;
  }

  /** The set under `key`, without the TTL check (see `TokenStore.peek`); counts as a read. */
  peek(key: string): TokenSet | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  get(key: string): TokenSet | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    entry.used = true;
    return entry.value;
  }

  set(key: string, value: TokenSet, ttlMs: number): void {
    const existing = this.#entries.get(key);
    if (
      existing !== undefined &&
      existing.value.version > value.version &&
      existing.expiresAt > this.#now()
    ) {
      return;
    }
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + Math.max(0, ttlMs), used: false });
    while (this.#entries.size > this.#maxEntries) this.#evictOne();
  }

  /**
   * Second-chance eviction (an LRU approximation that keeps reads free of writes): the oldest
   * entry goes unless it was read since it last came round, in which case it moves to the back.
   */
  #evictOne(): void {
    for (const [key, entry] of this.#entries) {
      this.#entries.delete(key);
      if (!entry.used) return;
      entry.used = false;
      this.#entries.set(key, entry);
    }
  }

  delete(key: string, ifVersion?: number): void {
    if (ifVersion !== undefined && this.#entries.get(key)?.value.version !== ifVersion) return;
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  toJSON(): Record<string, unknown> {
    return { type: 'MemoryTokenStore', size: this.#entries.size, maxEntries: this.#maxEntries };
  }
}

const DEFAULT_STORE = Symbol.for('@zenoti-auth/core/v1/default-store');

/**
 * The process-wide default store. Kept on `globalThis` so that an ESM and a CJS copy of this
 * package loaded in one process still share one token per credential.
 */
export function defaultTokenStore(): MemoryTokenStore {
  const holder = globalThis as { [DEFAULT_STORE]?: MemoryTokenStore };
  let store = holder[DEFAULT_STORE];
  if (!store) {
    store = new MemoryTokenStore();
    holder[DEFAULT_STORE] = store;
  }
  return store;
}
