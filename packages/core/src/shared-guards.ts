import { rateLimited, ZenotiAuthError } from './errors.ts';
import type { PauseReason, StoreState } from './key-state.ts';
import { withoutRefreshToken } from './refresh-policy.ts';
import type { ResilientStore } from './resilient-store.ts';
import type { TokenGuard, TokenSet } from './types.ts';

/** How long a guard outlives its pause: passwords rejected in a row are still counted meanwhile. */
const GUARD_MEMORY_MS = 3_600_000;

/** The pause a guard asks for, when one is on at `now`. */
export function activePause(guard: TokenGuard | undefined, now: number): TokenGuard['pause'] {
  const pause = guard?.pause;
  return pause && pause.until > now ? pause : undefined;
}

/** The error callers meet during a shared pause. */
export function pauseError(pause: NonNullable<TokenGuard['pause']>, now: number): ZenotiAuthError {
  return pause.reason === 'rate-limit'
    ? rateLimited(pause.until - now, 'Zenoti rate limit reached at the token endpoint')
    : new ZenotiAuthError(pause.code ?? 'CREDENTIALS_REJECTED', pause.message, { status: pause.status });
}

/** `set`, without its refresh token when the guard says Zenoti refused it. */
export function withoutRefusedRefresh(
  set: TokenSet | undefined,
  guard: TokenGuard | undefined,
): TokenSet | undefined {
  const refused = guard?.refusedRefreshVersion;
  return !set || refused === undefined || set.version > refused ? set : withoutRefreshToken(set);
}

/**
 * The guards a fleet shares through its token store (`TokenGuard`), so that it acts as one client:
 * a rejected password, a refused refresh token and the token endpoint's Retry-After are met once
 * per pause by the whole fleet, not once per process. The engine reads the guard under the refresh
 * lock, before any token call, and writes it before it lets the lock go. A password that works
 * lifts it. Stores that keep no guards (in-process ones: the engine's own state is shared there)
 * make every call here a no-op.
 */
export class SharedGuards {
  readonly #store: ResilientStore;
  readonly #state: StoreState;
  readonly #now: () => number;

  constructor(store: ResilientStore, state: StoreState, now: () => number) {
    this.#store = store;
    this.#state = state;
    this.#now = now;
  }

  read(key: string): Promise<TokenGuard | undefined> {
    return this.#store.readGuard(key);
  }

  /**
   * Makes a pause another process shared this process's own (callers then fail fast here too,
   * without the store) and returns its error; `undefined` when no pause is on.
   */
  adoptPause(key: string, guard: TokenGuard | undefined): ZenotiAuthError | undefined {
    const now = this.#now();
    const pause = activePause(guard, now);
    if (!pause) return undefined;
    const error = pauseError(pause, now);
    const state = this.#state.change(key);
    state.pause = { reason: pause.reason, until: pause.until, error };
    state.passwordStrikes = Math.max(state.passwordStrikes ?? 0, guard?.passwordStrikes ?? 0);
    this.#state.epoch++;
    return error;
  }

  /** Passwords rejected in a row under `key` so far, as this process or the fleet counted them. */
  strikes(key: string, guard: TokenGuard | undefined): number {
    return Math.max(this.#state.peek(key)?.passwordStrikes ?? 0, guard?.passwordStrikes ?? 0);
  }

  /**
   * Starts a pause of token calls under `key` after `error` (rule 4 of `refresh-policy.ts`): callers
   * of this process meet it at once, and a rejected password, a locked account or a token
   * endpoint's Retry-After is shared with the fleet; a fault's pause is this process's alone.
   */
  async startPause(
    key: string,
    guard: TokenGuard | undefined,
    { reason, ms }: { reason: PauseReason; ms: number },
    error: ZenotiAuthError,
  ): Promise<void> {
    const until = this.#now() + ms;
    this.#state.change(key).pause = { reason, until, error };
    this.#state.epoch++;
    if (reason === 'fault') return;
    const code =
      reason === 'rate-limit' ? undefined : (error.code as NonNullable<TokenGuard['pause']>['code']);
    await this.#sharePause(key, guard, { reason, until, code, status: error.status, message: error.message });
  }

  /** Shares a pause this process started: a rejected password (one more strike) or a token endpoint's Retry-After. */
  async #sharePause(
    key: string,
    guard: TokenGuard | undefined,
    pause: NonNullable<TokenGuard['pause']>,
  ): Promise<void> {
    const strikes = this.strikes(key, guard) + (pause.reason === 'credentials' ? 1 : 0);
    if (pause.reason === 'credentials') this.#state.change(key).passwordStrikes = strikes;
    await this.#write(key, { ...guard, pause, passwordStrikes: strikes });
  }

  /** Shares that Zenoti refused the refresh token of `set`: nobody sends it again, or writes `set` back. */
  async shareRefusedRefresh(key: string, guard: TokenGuard | undefined, set: TokenSet): Promise<void> {
    await this.#write(key, { ...guard, refusedRefreshVersion: set.version }, set);
  }

  /** Shares that the session of `set` ended on purpose (logout, revoke): nobody writes `set` back. */
  async shareEnded(key: string, set: TokenSet): Promise<void> {
    const guard = await this.read(key);
    await this.#write(key, { ...guard, endedVersion: Math.max(set.version, guard?.endedVersion ?? -1) }, set);
  }

  /** A new set was stored: a working password ends the strikes, and any pause shared under `key` is lifted. */
  async lift(key: string, grant: 'password' | 'refresh', hadPause: boolean): Promise<void> {
    if (grant === 'password') this.#state.change(key).passwordStrikes = undefined;
    if (grant === 'password' || hadPause) await this.#store.writeGuard(key, undefined, 0);
  }

  /** Writes `guard`, kept past its pause, and past the life of `about`'s access token when given. */
  #write(key: string, guard: TokenGuard, about?: TokenSet): Promise<void> {
    const now = this.#now();
    const pauseLeft = Math.max(0, (guard.pause?.until ?? 0) - now);
    // A marker about a set must outlive every copy of it a process may still hold and serve.
    const setLeft = about ? about.accessTokenExpiresAt - now : 0;
    return this.#store.writeGuard(key, guard, Math.max(pauseLeft + GUARD_MEMORY_MS, setLeft));
  }
}
