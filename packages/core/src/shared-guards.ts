import type { ZenotiAuthError } from './errors.ts';
import { boundedPause, longestPause, pauseError, pauseMessage } from './guard-bounds.ts';
import type { PauseReason, StoreState } from './key-state.ts';
import type { ResolvedOptions } from './options.ts';
import { withoutRefreshToken } from './refresh-policy.ts';
import type { ResilientStore } from './resilient-store.ts';
import type { TokenGuard, TokenSet } from './types.ts';

/** How long a guard outlives its pause: passwords rejected in a row are still counted meanwhile. */
const GUARD_MEMORY_MS = 3_600_000;

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
 * lifts it, and so does deleting it from the store: a caller about to fail with a shared pause reads
 * the guard again first (`liftedElsewhere`). Every pause is bounded (`guard-bounds.ts`). Stores that
 * keep no guards (in-process ones: the engine's own state is shared there) make every call here a
 * no-op.
 */
export class SharedGuards {
  readonly #store: ResilientStore;
  readonly #state: StoreState;
  readonly #now: () => number;
  readonly #cooldownMs: number;

  constructor(store: ResilientStore, state: StoreState, o: ResolvedOptions) {
    this.#store = store;
    this.#state = state;
    this.#now = o.now;
    this.#cooldownMs = o.credentialsCooldownMs;
  }

  /**
   * The guard of `key`, its pause bounded. A pause past its bound is cut in the store too (this
   * runs under the refresh lock): else each reader would honour a full bound anew, and one guard of
   * ten days would stop the fleet for ten days, an hour at a time.
   */
  async read(key: string): Promise<TokenGuard | undefined> {
    const guard = await this.#store.readGuard(key);
    const stored = guard?.pause;
    if (!guard || !stored) return guard;
    const { pause: _, ...bounded }: TokenGuard = guard;
    const pause = this.activePause(guard);
    if (!pause) return bounded;
    if (pause.until < stored.until) await this.#write(key, { ...bounded, pause });
    return { ...bounded, pause };
  }

  /** The pause `guard` asks for when one is on now, bounded (`guard-bounds.ts`); else `undefined`. */
  activePause(guard: TokenGuard | undefined): TokenGuard['pause'] {
    return boundedPause(guard, this.#now(), this.#cooldownMs);
  }

  /**
   * Makes a pause another process shared this process's own (callers then fail fast here too,
   * reading only the guard again) and returns its error; `undefined` when no pause is on.
   */
  adoptPause(key: string, guard: TokenGuard | undefined): ZenotiAuthError | undefined {
    const now = this.#now();
    const pause = boundedPause(guard, now, this.#cooldownMs);
    if (!pause) return undefined;
    const error = pauseError(pause, now);
    const state = this.#state.change(key);
    state.pause = { reason: pause.reason, until: pause.until, error, shared: true };
    state.passwordStrikes = Math.max(state.passwordStrikes ?? 0, guard?.passwordStrikes ?? 0);
    this.#state.epoch++;
    return error;
  }

  /**
   * Before a caller fails with a shared pause: whether the guard that holds it is gone from the store
   * (an operator deleted the `:guard` key after fixing the password, or a password that worked
   * elsewhere lifted it). Then this process's copy of the pause goes too, and the caller carries on.
   * A store that fails to answer leaves the pause as it is.
   */
  async liftedElsewhere(key: string): Promise<boolean> {
    const pause = this.#state.peek(key)?.pause;
    if (!pause?.shared || pause.until <= this.#now()) return false;
    const read = await this.#store.inspectGuard(key);
    if (!read || this.activePause(read.guard)) return false;
    const state = this.#state.peek(key);
    if (state?.pause === pause) {
      state.pause = undefined;
      this.#state.epoch++;
    }
    return true;
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
    const until = this.#now() + Math.min(ms, longestPause(reason, this.#cooldownMs));
    const state = this.#state.change(key);
    const local = { reason, until, error, shared: false };
    state.pause = local;
    this.#state.epoch++;
    if (reason === 'fault') return;
    const code =
      reason === 'rate-limit' ? undefined : (error.code as NonNullable<TokenGuard['pause']>['code']);
    // The message is one of the code's: upstream text (what Zenoti said) is not spread to the fleet.
    const pause = { reason, until, code, status: error.status, message: pauseMessage(code) };
    // Only a pause the store holds is checked there again (`liftedElsewhere`): one it did not take
    // must not be lifted by its absence.
    if (await this.#sharePause(key, guard, pause)) local.shared = true;
  }

  /**
   * Shares a pause this process started: a rejected password (one more strike) or a token
   * endpoint's Retry-After. Whether the store took it.
   */
  #sharePause(key: string, guard: TokenGuard | undefined, pause: NonNullable<TokenGuard['pause']>) {
    const strikes = this.strikes(key, guard) + (pause.reason === 'credentials' ? 1 : 0);
    if (pause.reason === 'credentials') this.#state.change(key).passwordStrikes = strikes;
    return this.#write(key, { ...guard, pause, passwordStrikes: strikes });
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

  /**
   * Writes `guard`, kept past its pause, and past the life of `about`'s access token when given. A
   * pause read from the store and written back is bounded as any (`boundedPause`), or dropped when over.
   */
  #write(key: string, given: TokenGuard, about?: TokenSet): Promise<boolean> {
    const now = this.#now();
    const guard: TokenGuard = { ...given };
    const pause = boundedPause(given, now, this.#cooldownMs);
    if (pause) guard.pause = pause;
    else delete guard.pause;
    const pauseLeft = Math.max(0, (pause?.until ?? 0) - now);
    // A marker about a set must outlive every copy of it a process may still hold and serve.
    const setLeft = about ? about.accessTokenExpiresAt - now : 0;
    return this.#store.writeGuard(key, guard, Math.max(pauseLeft + GUARD_MEMORY_MS, setLeft));
  }
}
