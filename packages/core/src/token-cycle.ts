import type { EngineParts } from './engine-parts.ts';
import { isZenotiAuthError, sessionEnded, ZenotiAuthError } from './errors.ts';
import { type Emitter, emitTokenEvent } from './events.ts';
import type { StoreState } from './key-state.ts';
import type { ResolvedOptions } from './options.ts';
import { afterFailedRefresh, decide, isAlive, isFresh, type Limits } from './refresh-policy.ts';
import type { ResilientStore } from './resilient-store.ts';
import { activePause, SharedGuards, withoutRefusedRefresh } from './shared-guards.ts';
import { raceAbort, sleep } from './time.ts';
import type { GrantBody, TokenClient } from './token-client.ts';
import type { TokenGuard, TokenSet } from './types.ts';

/** How often a caller polls the store while another request refreshes (`shareInFlight: false`). */
const POLL_MS = 20;
/** How long a cross-process refresh lock is held at most. */
const LOCK_TTL_MS = 30_000;

/**
 * Carries out the refresh policy (`refresh-policy.ts`) for every key of one store: single flight,
 * the cross-process lock, the fallback from a refused refresh token to the password, session
 * fencing and ride-outs.
 *
 * Clock rule: token expiries, refresh windows, rides and pauses are on the engine clock
 * (`options.now`, which tests move); how long this process has waited (a flight's age, the poll's
 * give-up, sleeps and timeouts) is real time (`Date.now()`).
 */
export class TokenCycle {
  readonly #o: ResolvedOptions;
  readonly #events: Emitter;
  readonly #client: TokenClient;
  readonly #store: ResilientStore;
  readonly #state: StoreState;
  readonly #limits: Limits;
  readonly #deviceId: () => string;
  readonly #guards: SharedGuards;

  constructor({ o, events, client, store, state }: EngineParts, deviceId: () => string) {
    this.#o = o;
    this.#events = events;
    this.#client = client;
    this.#store = store;
    this.#state = state;
    this.#deviceId = deviceId;
    this.#guards = new SharedGuards(store, state, o.now);
    this.#limits = {
      refreshWindowMs: o.refreshWindowMs,
      deadlineMs: o.retry.deadlineMs,
      shareInFlight: o.shareInFlight,
    };
  }

  /** A token set for `key` that may be sent now, as the policy decides. */
  async token(
    key: string,
    principal: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<TokenSet> {
    const giveUpAt = Date.now() + 2 * this.#o.retry.deadlineMs;
    for (;;) {
      const set = await this.#store.read(key);
      const decision = decide(
        { set, state: this.#state.peek(key), now: this.#o.now(), realNow: Date.now() },
        this.#limits,
      );
      switch (decision.action) {
        case 'serve':
          return set as TokenSet;
        case 'serve and refresh behind':
          void this.#startRefresh(key, principal);
          return set as TokenSet;
        case 'join the flight':
          return raceAbort(decision.flight.promise, signal);
        case 'refresh':
          return raceAbort(this.#startRefresh(key, principal), signal);
        case 'fail':
          throw decision.error;
        case 'poll the store':
          // Never await another request's promise here: on Workers it dies with that request.
          if (Date.now() >= giveUpAt)
            throw new ZenotiAuthError(
              'TIMEOUT',
              `No token within ${2 * this.#o.retry.deadlineMs} ms while another caller refreshed.`,
            );
          await sleep(POLL_MS, signal);
      }
    }
  }

  /** Starts the single-flight refresh of `key`; callers that come meanwhile join it. */
  #startRefresh(key: string, principal: string | undefined): Promise<TokenSet> {
    const state = this.#state.change(key);
    const promise = this.#refresh(key, principal).finally(() => {
      if (state.flight?.promise === promise) state.flight = undefined;
    });
    // Every waiter may have given up (AbortSignal), or none waits (a refresh behind a live token).
    promise.catch(() => undefined);
    state.flight = { promise, since: Date.now() };
    return promise;
  }

  async #refresh(key: string, principal: string | undefined): Promise<TokenSet> {
    // After a fault with no live token, the refresh waits out the pause; callers join it meanwhile.
    const pause = this.#state.peek(key)?.pause;
    if (pause && pause.until > this.#o.now()) await sleep(pause.until - this.#o.now());
    const started = this.#state.sessionClock;
    // The wait for another process's lock is bounded by the same deadline as a token call.
    const lock = await this.#store.lock(
      `${key}:lock`,
      LOCK_TTL_MS,
      AbortSignal.timeout(this.#o.retry.deadlineMs),
    );
    let current: TokenSet | undefined;
    let guard: TokenGuard | undefined;
    try {
      // Another process (or the previous lock holder) may have renewed it meanwhile.
      current = await this.#store.read(key);
      const now = this.#o.now();
      const rejected = this.#state.peek(key)?.rejectedToken;
      if (current && isFresh(current, now, this.#o.refreshWindowMs, rejected)) return current;
      // Or met a rejected password, a refused refresh token or a Retry-After: the fleet meets each once.
      guard = await this.#guards.read(key);
      const sharedPause = activePause(guard, now);
      if (sharedPause?.reason === 'rate-limit' && current && isAlive(current, now, rejected))
        return this.#rideOut(key, current, 'the token endpoint asked to wait', sharedPause.until - now);
      const paused = this.#guards.adoptPause(key, guard);
      if (paused) throw paused;
      current = withoutRefusedRefresh(current, guard);
      // The lock is still held elsewhere after our wait: a live token serves meanwhile rather
      // than a second refresh with the same single-use refresh token.
      if (lock === 'held elsewhere' && current && isAlive(current, now, rejected))
        return this.#rideOut(key, current, 'the refresh lock is still held elsewhere', 0);
      let [set, grant] = await this.#obtain(key, principal, current, guard);
      if ((this.#state.peek(key)?.session ?? -1) > started) {
        // A login(), logout() or revoke() came meanwhile: its answer stands, not this older
        // session's refresh. The service user signs in again, as its next call would.
        const latest = await this.#store.read(key);
        const rejectedNow = this.#state.peek(key)?.rejectedToken;
        if (latest && isFresh(latest, this.#o.now(), this.#o.refreshWindowMs, rejectedNow)) return latest;
        if (principal !== undefined) throw sessionEnded();
        [set, grant] = await this.#obtain(key, principal, undefined, guard);
      }
      return await this.save(key, set, grant, principal);
    } catch (error) {
      return await this.#failed(key, principal, error, current, guard);
    } finally {
      await this.#store.unlock(typeof lock === 'object' ? lock : undefined);
    }
  }

  /** A refresh failed: serve what may be served, or throw, as `afterFailedRefresh` decides. */
  async #failed(
    key: string,
    principal: string | undefined,
    error: unknown,
    replaced: TokenSet | undefined,
    guard: TokenGuard | undefined,
  ) {
    const state = this.#state.change(key);
    // A pause another process shared, adopted above: nothing new happened here.
    if (state.pause?.error === error) throw error;
    state.ride = undefined;
    if (!isZenotiAuthError(error)) throw error;
    this.#events.emit({ type: 'error', principal, error });
    const stored = await this.#store.read(key);
    const outcome = afterFailedRefresh(
      {
        error,
        replaced,
        stored,
        rejectedToken: state.rejectedToken,
        now: this.#o.now(),
        credentialsCooldownMs: this.#o.credentialsCooldownMs,
        passwordStrikes: this.#guards.strikes(key, guard),
        retry: this.#o.retry,
      },
      this.#limits,
    );
    switch (outcome.outcome) {
      case 'serve the stored set':
        return stored as TokenSet;
      case 'ride out':
        return this.#rideOut(key, stored as TokenSet, `refresh failed (${error.code})`, outcome.pauseMs);
      case 'throw':
        if (outcome.pause) await this.#guards.startPause(key, guard, outcome.pause, error);
        throw error;
    }
  }

  /** Serves `set`, alive but due for a refresh that could not be made, until the next try. */
  #rideOut(key: string, set: TokenSet, why: string, pauseMs: number): TokenSet {
    this.#state.change(key).ride = { at: this.#o.now() + pauseMs, token: set.accessToken };
    this.#events.emit({
      type: 'warning',
      message: `[@zenoti-auth/core] Token not renewed: ${why}. The current one serves until it expires; next try in ${Math.round(pauseMs)} ms.`,
    });
    return set;
  }

  /** A new set for `key`: by its refresh token, else (service user) by the password. */
  async #obtain(
    key: string,
    principal: string | undefined,
    current: TokenSet | undefined,
    guard: TokenGuard | undefined,
  ): Promise<[TokenSet, 'password' | 'refresh']> {
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
        await this.#guards.shareRefusedRefresh(key, guard, current.version);
        emitTokenEvent(this.#events, principal, current, { reason: 'refresh-rejected' });
      }
    }
    const user = principal === undefined ? this.#o.user : undefined;
    if (!user) throw sessionEnded();
    const password = { grant_type: 'password', user_name: user.username, password: user.password } as const;
    return [await this.grant(password, current), 'password'];
  }

  /** One grant at the token endpoint; the new set's version follows `previous`. */
  grant(body: GrantBody, previous: TokenSet | undefined): Promise<TokenSet> {
    return this.#client.grant(body, previous?.version ?? 0, this.#deviceId());
  }

  /** Stores a new set, clears the key's 401 mark, ride and pause, and announces it. */
  async save(key: string, set: TokenSet, grant: 'password' | 'refresh', principal: string | undefined) {
    const until = Math.max(set.refreshTokenExpiresAt ?? 0, set.accessTokenExpiresAt);
    await this.#store.write(key, set, Math.max(1_000, until - this.#o.now()));
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
