import type { ApiKey } from './api-key.ts';
import type { TokenKeys } from './identity.ts';
import type { StoreState } from './key-state.ts';
import type { ResolvedOptions } from './options.ts';
import type { RateLimits } from './rate-limits.ts';
import type { ResilientStore } from './resilient-store.ts';

/** The parts of an engine that its health (`healthOf()`, `@zenoti-auth/core/health`) reads. */
export interface HealthSources {
  o: ResolvedOptions;
  keys: TokenKeys;
  state: StoreState;
  store: ResilientStore;
  limits: RateLimits;
  apiKey: ApiKey | undefined;
}

/**
 * Where an engine keeps its `HealthSources`: a registry symbol, as `@zenoti-auth/core/health` is
 * built apart from the main entry (and its ESM copy may be handed an engine of the CJS copy). `v2`
 * names the shape of `HealthSources`: an engine of a version with another shape has none.
 */
export const HEALTH_SOURCES = Symbol.for('@zenoti-auth/core/v2/health-sources');

/** An engine's `HealthSources`, or `undefined` for anything else (see `HEALTH_SOURCES`). */
export function healthSourcesOf(engine: unknown): HealthSources | undefined {
  return (engine as { [HEALTH_SOURCES]?: HealthSources } | null | undefined)?.[HEALTH_SOURCES];
}
