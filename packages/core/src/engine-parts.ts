import type { Emitter } from './events.ts';
import type { StoreState } from './key-state.ts';
import type { ResolvedOptions } from './options.ts';
import type { ResilientStore } from './resilient-store.ts';
import type { SharedGuards } from './shared-guards.ts';
import type { TokenClient } from './token-client.ts';

/** What the parts of one engine share: its options, events, token client, store, the store's state and the fleet's guards. */
export interface EngineParts {
  readonly o: ResolvedOptions;
  readonly events: Emitter;
  readonly client: TokenClient;
  readonly store: ResilientStore;
  readonly state: StoreState;
  readonly guards: SharedGuards;
}
