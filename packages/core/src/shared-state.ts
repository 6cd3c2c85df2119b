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
  /** Bounded; most recently seen last. */
  lastKnown: Map<string, TokenSet>;
  /** When a 401 last invalidated a token under this key. */
  unauthorizedAt: Map<string, number>;
  /**
   * No token call under a key before `until` (engine clock), after a passing failure while no
   * token was alive: a 429 (callers fail fast with `RATE_LIMITED` until then) or a fault such as
   * a 5xx or a timeout (callers join the one retry that starts then). Bounded.
   */
  pauses: Map<string, { until: number; error: ZenotiAuthError }>;
  /** A ride: the live token that serves, since a refresh could not be made, until the next try `at`. Bounded. */
  rides: Map<string, { at: number; token: string }>;
  /**
   * When (on `sessionClock`) a session under a key last started or ended (`login()`, `logout()`,
   * `revoke()`): a refresh that began before does not store its set. Bounded; a key dropped from it
   * just means no change.
   */
  sessions: Map<string, number>;
  /** Only goes up: one tick per session start or end under any key. */
  sessionClock: number;
  /** Grows whenever a token is marked rejected or a cool-down starts: cached answers made before are re-checked. */
  epoch: number;
  /** Access tokens Zenoti has accepted at least once (bounded, most recent kept). */
  accepted: Set<string>;
}

/** Drops the oldest entries of an insertion-ordered Map or Set past `limit`. */
export function bound(items: Map<string, unknown> | Set<string>, limit: number): void {
  while (items.size > limit) items.delete(items.keys().next().value as string);
}

const REGISTRY = Symbol.for('@zenoti-auth/core/v1/shared-state');

/** The shared state of a store; kept on `globalThis` so ESM and CJS copies of this package agree. */
export function sharedStateOf(store: TokenStore): SharedState {
  const holder = globalThis as { [REGISTRY]?: WeakMap<TokenStore, SharedState> };
  const registry = holder[REGISTRY] ?? new WeakMap();
  holder[REGISTRY] = registry;
  let state = registry.get(store);
  if (!state) {
    state = {
      inflight: new Map(),
      rejected: new Map(),
      cooldown: new Map(),
      lastKnown: new Map(),
      unauthorizedAt: new Map(),
      rides: new Map(),
      pauses: new Map(),
      sessions: new Map(),
      sessionClock: 0,
      accepted: new Set(),
      epoch: 0,
    };
    registry.set(store, state);
  }
  return state;
}
