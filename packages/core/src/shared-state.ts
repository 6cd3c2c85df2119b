import type { ZenotiAuthError } from './errors.ts';
import type { TokenSet, TokenStore } from './types.ts';

/**
 * What every engine in this process that uses the same store shares, per store key:
 * the refresh in flight (single flight), the access token a 401 proved dead, the
 * credentials cool-down, and — for remote stores — the last set seen, used while the store is down.
 */
export interface SharedState {
  inflight: Map<string, { promise: Promise<TokenSet>; since: number }>;
  rejected: Map<string, string>;
  cooldown: Map<string, { until: number; error: ZenotiAuthError }>;
  lastKnown: Map<string, TokenSet>;
  /** When a 401 last invalidated a token under this key. */
  unauthorizedAt: Map<string, number>;
  /** Grows whenever a token is marked rejected or a cool-down starts: cached answers made before are re-checked. */
  epoch: number;
  /** Access tokens Zenoti has accepted at least once (bounded, most recent kept). */
  accepted: BoundedSet;
}

/** A Set that forgets its oldest members past a limit. */
export class BoundedSet {
  readonly #items = new Set<string>();
  readonly #limit: number;
  constructor(limit: number) {
    this.#limit = limit;
  }
  has(value: string): boolean {
    return this.#items.has(value);
  }
  add(value: string): void {
    if (this.#items.has(value)) return;
    this.#items.add(value);
    if (this.#items.size > this.#limit) {
      const oldest = this.#items.values().next();
      if (!oldest.done) this.#items.delete(oldest.value);
    }
  }
}

const REGISTRY = Symbol.for('@zenoti-auth/core/v1/shared-state');
const LAST_KNOWN_LIMIT = 1_000;

/** The shared state of a store; kept on `globalThis` so ESM and CJS copies of this package agree. */
export function sharedStateOf(store: TokenStore): SharedState {
  const holder = globalThis as { [REGISTRY]?: WeakMap<TokenStore, SharedState> };
  let registry = holder[REGISTRY];
  if (!registry) {
    registry = new WeakMap();
    holder[REGISTRY] = registry;
  }
  let state = registry.get(store);
  if (!state) {
    state = {
      inflight: new Map(),
      rejected: new Map(),
      cooldown: new Map(),
      lastKnown: new Map(),
      unauthorizedAt: new Map(),
      accepted: new BoundedSet(1_024),
      epoch: 0,
    };
    registry.set(store, state);
  }
  return state;
}

/** Remembers a set seen in a remote store, bounded. */
export function rememberLastKnown(state: SharedState, key: string, set: TokenSet): void {
  state.lastKnown.delete(key);
  state.lastKnown.set(key, set);
  if (state.lastKnown.size > LAST_KNOWN_LIMIT) {
    const oldest = state.lastKnown.keys().next();
    if (!oldest.done) state.lastKnown.delete(oldest.value);
  }
}
