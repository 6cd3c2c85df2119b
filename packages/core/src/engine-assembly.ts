import { ApiKey } from './api-key.ts';
import { Emitter } from './events.ts';
import type { HealthSources } from './health-sources.ts';
import { TokenKeys } from './identity.ts';
import { type StoreState, storeStateOf } from './key-state.ts';
import { defaultTokenStore } from './memory-store.ts';
import type { ResolvedOptions } from './options.ts';
import { RateLimits } from './rate-limits.ts';
import { ResilientStore } from './resilient-store.ts';
import { isolateStoreWarning } from './runtime.ts';
import { ServiceUserHeader } from './service-user-header.ts';
import { Sessions } from './sessions.ts';
import { SharedGuards } from './shared-guards.ts';
import { TokenClient } from './token-client.ts';
import { TokenCycle } from './token-cycle.ts';
import { TokenGrants } from './token-grants.ts';
import { warnOf } from './warning-route.ts';

/** What a `ZenotiAuth` engine is made of (see `assembleEngine`). */
export interface Engine {
  readonly events: Emitter;
  readonly keys: TokenKeys;
  readonly state: StoreState;
  readonly cycle: TokenCycle;
  readonly sessions: Sessions;
  readonly serviceUser: ServiceUserHeader;
  readonly limits: RateLimits;
  readonly apiKey: ApiKey | undefined;
  /** What `healthOf()` reads (`@zenoti-auth/core/health`). */
  readonly health: HealthSources;
}

/**
 * Builds the parts of one engine from its resolved options: the store (wrapped to ride out
 * failures), the token client and rate limits, the token cycle and sessions sharing them, and the
 * API key when there is one; warns when an in-process store cannot be shared where it should be.
 */
export function assembleEngine(o: ResolvedOptions): Engine {
  const events = new Emitter(o.onEvent);
  const keys = new TokenKeys(o);
  const rawStore = o.store ?? defaultTokenStore();
  const state = storeStateOf(rawStore);
  const store = new ResilientStore(rawStore, state, events, o.now, o.retry.deadlineMs);
  const limits = new RateLimits(o, events);
  const parts = {
    o,
    events,
    client: new TokenClient(o, limits),
    store,
    state,
    guards: new SharedGuards(store, state, o),
  };
  const grants = new TokenGrants(parts, () => keys.deviceId);
  const apiKey =
    o.apiKey === undefined
      ? undefined
      : new ApiKey(o.apiKey, { cooldownMs: o.credentialsCooldownMs, timeoutMs: o.timeoutMs, now: o.now });
  const message = isolateStoreWarning(o.apiKey === undefined, store.local);
  if (message) warnOf(events, 'store', message);
  return {
    events,
    keys,
    state,
    cycle: new TokenCycle(parts, grants),
    sessions: new Sessions(parts, grants),
    serviceUser: new ServiceUserHeader(store, state, o.now, o.refreshWindowMs),
    limits,
    apiKey,
    health: { o, keys, state, store, limits, apiKey },
  };
}
