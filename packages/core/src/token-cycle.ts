import type { EngineParts } from './engine-parts.ts';
import { isZenotiAuthError, sessionEnded, ZenotiAuthError } from './errors.ts';
import type { Emitter } from './events.ts';
import { takeFleetLock } from './fleet-lock.ts';
import type { StoreState } from './key-state.ts';
import type { ResolvedOptions } from './options.ts';
import { claimId, claimRefresh } from './refresh-claim.ts';
import {
  afterFailedRefresh,
  decide,
  isAlive,
  isFresh,
  type Limits,
  type RefreshHold,
  refreshHold,
  ridePause,
  withoutRefreshToken,
} from './refresh-policy.ts';
import type { ResilientStore } from './resilient-store.ts';
import { type SharedGuards, withoutRefusedRefresh } from './shared-guards.ts';
import { raceAbort, sleep } from './time.ts';
import type { TokenGrants } from './token-grants.ts';
import type { TokenGuard, TokenSet } from './types.ts';
import { warnOf } from './warning-route.ts';

/** How often a caller polls the store while another request refreshes (`shareInFlight: false`). */
const POLL_MS = 20;

/** An end user's dead token, whose refresh token may not be spent now (rule 6): try again shortly. */
function refreshWithheld({ why, retryMs }: RefreshHold): ZenotiAuthError {
  return new ZenotiAuthError(
    'STORE',
    `Token not renewed: ${why}. An end user's refresh token is spent only under the fleet's lock (see "refreshWithoutLock"); try again shortly.`,
    { retryAfterMs: Math.max(1_000, retryMs) },
  );
}

/**
 * Carries out the refresh policy (`refresh-policy.ts`) for every key of one store: single flight,
 * the cross-process lock and the fleet rule, the fallback from a refused refresh token to the
 * password, session fencing and ride-outs. New sets come from `TokenGrants`.
 *
 * Clock rule: token expiries, refresh windows, rides and pauses are on the engine clock
 * (`options.now`, which tests move); how long this process has waited (a flight's age, the poll's
 * give-up, sleeps and timeouts) is real time (`Date.now()`).
 */
export class TokenCycle {
  readonly #o: ResolvedOptions;
  readonly #events: Emitter;
  readonly #store: ResilientStore;
  readonly #state: StoreState;
  readonly #limits: Limits;
  readonly #guards: SharedGuards;
  readonly #grants: TokenGrants;
  /** This engine's id in the claims it stores on refresh tokens (`refresh-claim.ts`). */
  readonly #claimId = claimId();

  constructor({ o, events, store, state, guards }: EngineParts, grants: TokenGrants) {
    this.#o = o;
    this.#events = events;
    this.#store = store;
    this.#state = state;
    this.#guards = guards;
    this.#grants = grants;
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
          void this.#startRefresh(key, principal, set);
          return set as TokenSet;
        case 'join the flight':
          return raceAbort(decision.flight.promise, signal);
        case 'refresh':
          return raceAbort(this.#startRefresh(key, principal, set), signal);
        case 'fail':
          // A pause shared through the store ends when its guard is gone from there.
          if (await this.#guards.liftedElsewhere(key)) continue;
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

  /** Starts the single-flight refresh of `key` (`seen`: the set in hand); callers that come meanwhile join it. */
  #startRefresh(key: string, principal: string | undefined, seen: TokenSet | undefined): Promise<TokenSet> {
    const state = this.#state.change(key);
    const promise = this.#refresh(key, principal, seen).finally(() => {
      if (state.flight?.promise === promise) state.flight = undefined;
    });
    // Every waiter may have given up (AbortSignal), or none waits (a refresh behind a live token).
    promise.catch(() => undefined);
    state.flight = { promise, since: Date.now() };
    return promise;
  }

  async #refresh(key: string, principal: string | undefined, seen: TokenSet | undefined): Promise<TokenSet> {
    // After a fault with no live token, the refresh waits out the pause; callers join it meanwhile.
    const pause = this.#state.peek(key)?.pause;
    if (pause && pause.until > this.#o.now()) await sleep(pause.until - this.#o.now());
    const started = this.#state.sessionClock;
    const deadline = this.#o.retry.deadlineMs;
    const alive = () =>
      seen !== undefined && isAlive(seen, this.#o.now(), this.#state.peek(key)?.rejectedToken);
    const lock = await takeFleetLock(this.#store, key, alive, deadline);
    let current: TokenSet | undefined;
    let guard: TokenGuard | undefined;
    try {
      // Another process (or the previous lock holder) may have renewed it meanwhile.
      const read = await this.#store.inspect(key);
      current = read.set;
      const now = this.#o.now();
      const rejected = this.#state.peek(key)?.rejectedToken;
      if (current && isFresh(current, now, this.#o.refreshWindowMs, rejected)) return current;
      // Or met a rejected password, a refused refresh token or a Retry-After: the fleet meets each once.
      guard = await this.#guards.read(key);
      const sharedPause = this.#guards.activePause(guard);
      if (sharedPause?.reason === 'rate-limit' && current && isAlive(current, now, rejected))
        return this.#rideOut(key, current, 'the token endpoint asked to wait', sharedPause.until - now);
      const paused = this.#guards.adoptPause(key, guard);
      if (paused) throw paused;
      current = withoutRefusedRefresh(current, guard);
      // A lock taken from a store that then failed to answer may be lost already (a failover).
      const lockState = typeof lock !== 'object' ? lock : read.fromStore ? 'held' : 'failed';
      const hold =
        refreshHold(current, now, lockState, this.#o.refreshWithoutLock, this.#claimId) ??
        (current && lockState === 'held'
          ? await claimRefresh(this.#store, key, current, this.#claimId, now, deadline)
          : undefined);
      if (hold) {
        if (current && isAlive(current, now, rejected))
          return this.#rideOut(
            key,
            current,
            hold.why,
            Math.min(hold.retryMs, ridePause(current, now, deadline)),
          );
        // Dead: the service user signs in again (a new session); an end user waits for the store,
        // or has lost the session when its refresh token was spent elsewhere.
        if (principal !== undefined) throw hold.spent ? sessionEnded() : refreshWithheld(hold);
        current = withoutRefreshToken(current);
      }
      let [set, grant] = await this.#grants.obtain(key, principal, current, guard);
      if ((this.#state.peek(key)?.session ?? -1) > started) {
        // A login(), logout() or revoke() came meanwhile: its answer stands, not this older
        // session's refresh. The service user signs in again, as its next call would.
        const latest = await this.#store.read(key);
        const rejectedNow = this.#state.peek(key)?.rejectedToken;
        if (latest && isFresh(latest, this.#o.now(), this.#o.refreshWindowMs, rejectedNow)) return latest;
        if (principal !== undefined) throw sessionEnded();
        [set, grant] = await this.#grants.obtain(key, principal, undefined, guard);
      }
      return await this.#grants.save(key, set, grant, principal);
    } catch (error) {
      return await this.#failed(key, principal, error, current, guard);
    } finally {
      await this.#store.unlock(lock);
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
    state.failure = { code: error.code, transient: error.transient, at: this.#o.now() };
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

  /**
   * Serves `set`, alive but due for a refresh that could not be made, until the next try; warns
   * once per token and reason (a ride-out through an outage tries again every second).
   */
  #rideOut(key: string, set: TokenSet, why: string, pauseMs: number): TokenSet {
    const state = this.#state.change(key);
    const told = state.ride?.token === set.accessToken && state.ride.why === why;
    state.ride = { at: this.#o.now() + pauseMs, token: set.accessToken, why };
    if (!told)
      warnOf(
        this.#events,
        'engine',
        `[@zenoti-auth/core] Token not renewed: ${why}. The current one serves until it expires; next try in ${Math.round(pauseMs)} ms.`,
      );
    return set;
  }
}
