import type { EngineParts } from './engine-parts.ts';
import { sessionEnded, type ZenotiAuthError } from './errors.ts';
import { type Emitter, emitTokenEvent } from './events.ts';
import type { StoreState } from './key-state.ts';
import type { ResolvedOptions } from './options.ts';
import type { CallKind } from './rate-budget.ts';
import { keepUntil, type ResilientStore } from './resilient-store.ts';
import type { SharedGuards } from './shared-guards.ts';
import type { GrantBody, TokenClient } from './token-client.ts';
import type { TokenGuard, TokenSet } from './types.ts';

/** Which grant gave a set: its refresh token, or the user's password. */
export type Grant = 'password' | 'refresh';

/**
 * How a key gets a new token set and keeps it: a grant at the token endpoint (the refresh token
 * first, the service user's password after a refused one), storing the set, and forgetting it.
 * When to do which is the token cycle's (`token-cycle.ts`) and the sessions' (`sessions.ts`).
 */
export class TokenGrants {
  readonly #o: ResolvedOptions;
  readonly #events: Emitter;
  readonly #client: TokenClient;
  readonly #store: ResilientStore;
  readonly #state: StoreState;
  readonly #guards: SharedGuards;
  readonly #deviceId: () => string;

  constructor({ o, events, client, store, state, guards }: EngineParts, deviceId: () => string) {
    this.#o = o;
    this.#events = events;
    this.#client = client;
    this.#store = store;
    this.#state = state;
    this.#guards = guards;
    this.#deviceId = deviceId;
  }

  /**
   * A new set for `key`: by `current`'s refresh token when it has one (the caller decided that it
   * may be spent now), else, for the service user, by the password; an end user without one has
   * to sign in again.
   */
  async obtain(
    key: string,
    principal: string | undefined,
    current: TokenSet | undefined,
    guard: TokenGuard | undefined,
  ): Promise<[TokenSet, Grant]> {
    const refreshToken = current?.refreshToken;
    if (refreshToken && !((current.refreshTokenExpiresAt ?? Number.POSITIVE_INFINITY) <= this.#o.now())) {
      try {
        return [
          await this.grant({ grant_type: 'refresh_token', refresh_token: refreshToken }, current),
          'refresh',
        ];
      } catch (error) {
        const { code, status = 0 } = error as ZenotiAuthError;
        if (code !== 'CREDENTIALS_REJECTED' && !(code === 'TOKEN_ENDPOINT' && status > 399 && status < 500))
          throw error;
        // The single-use refresh token is spent or dead: forget it so nobody sends it again.
        await this.forget(key, current.version);
        await this.#guards.shareRefusedRefresh(key, guard, current);
        emitTokenEvent(this.#events, principal, current, { reason: 'refresh-rejected' });
      }
    }
    const user = principal === undefined ? this.#o.user : undefined;
    if (!user) throw sessionEnded();
    const password = { grant_type: 'password', user_name: user.username, password: user.password } as const;
    return [await this.grant(password, current), 'password'];
  }

  /**
   * One grant at the token endpoint; the new set's version follows `previous`. An end user's
   * sign-in (`kind: 'sign-in'`) waits for its permit as the app's own calls do, and stops at its
   * `signal`; refreshes and the service user's grants go first (see `CallKind`).
   */
  grant(
    body: GrantBody,
    previous: TokenSet | undefined,
    kind: CallKind = 'token',
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    return this.#client.grant(body, previous?.version ?? 0, this.#deviceId(), kind, signal);
  }

  /** Stores a new set, clears the key's 401 mark, ride and pause, and announces it. */
  async save(key: string, set: TokenSet, grant: Grant, principal: string | undefined): Promise<TokenSet> {
    await this.#store.write(key, set, Math.max(1_000, keepUntil(set) - this.#o.now()));
    const state = this.#state.change(key);
    const hadPause = state.pause !== undefined;
    state.rejectedToken = undefined;
    state.ride = undefined;
    state.pause = undefined;
    await this.#guards.lift(key, grant, hadPause);
    emitTokenEvent(this.#events, principal, set, { grant, expiresAt: set.accessTokenExpiresAt });
    return set;
  }

  /** Deletes the set under `key` (with `ifVersion`, only that one) and what is known of it. */
  async forget(key: string, ifVersion?: number): Promise<void> {
    const state = this.#state.change(key);
    state.rejectedToken = undefined;
    state.ride = undefined;
    await this.#store.remove(key, ifVersion);
  }
}
