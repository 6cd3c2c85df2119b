import type { EngineParts } from './engine-parts.ts';
import { isZenotiAuthError, ZenotiAuthError } from './errors.ts';
import { type Emitter, emitTokenEvent } from './events.ts';
import { parseAuthorization } from './header.ts';
import { acceptedId, type StoreState } from './key-state.ts';
import type { LoginPolicy } from './login-policy.ts';
import { hasControlCharacter } from './option-checks.ts';
import type { ResolvedOptions } from './options.ts';
import type { ResilientStore } from './resilient-store.ts';
import type { SharedGuards } from './shared-guards.ts';
import type { EpochMilliseconds } from './time.ts';
import type { TokenClient } from './token-client.ts';
import type { TokenGrants } from './token-grants.ts';
import type { TokenSet } from './types.ts';
import { warnOf } from './warning-route.ts';

export interface LoginInput {
  username: string;
  /** Used once for the password grant; never stored. */
  password: string;
  /** The id to keep the session under. @default a random UUID */
  principal?: string;
  signal?: AbortSignal;
}

export interface LoginResult {
  /** Opaque id of the session: pass it as `principal` to `authorization()` / `fetch()`. */
  principal: string;
  /** Zenoti's `user_type`: `Guest` or `Employee`. */
  userType: string | undefined;
  /** Zenoti's login policy evaluation of the sign-in (e.g. `passwordExpiryReminder`), when it sent one. */
  loginPolicy: LoginPolicy | undefined;
  /**
   * When the access token expires, ms since the Unix epoch (engine clock, `options.now`), as
   * `TokenEvent.expiresAt`: `new Date(expiresAt)` for a date. It is refreshed automatically until
   * the refresh token ends.
   */
  expiresAt: EpochMilliseconds;
}

/** Checks `login()` input: a non-empty username and password (and principal, if given), no control characters. */
export function checkLoginInput(input: LoginInput): void {
  for (const field of ['username', 'password', 'principal'] as const) {
    const value = input?.[field];
    const fail = (problem: string) =>
      new ZenotiAuthError('INVALID_OPTIONS', `login() ${problem}.`, { field });
    if ((value !== undefined || field !== 'principal') && (typeof value !== 'string' || value.trim() === ''))
      throw fail(`needs a non-empty string "${field}"`);
    if (typeof value === 'string' && hasControlCharacter(value))
      throw fail(`"${field}" must not contain control characters`);
  }
}

/** 401s on a token obtained within this long after a 401-triggered refresh are not taken as token death. */
const UNAUTHORIZED_REFRESH_GUARD_MS = 30_000;

/** A token rejected closer than this to its expiry may just have met a clock a little ahead. */
const CLOCK_MARGIN_MS = 10_000;

/**
 * Where sessions start and end: `login()`, `logout()` and `revoke()`, and the 401 that proves a
 * token dead. Starting or ending a session fences refreshes that began before: they do not store.
 */
export class Sessions {
  readonly #o: ResolvedOptions;
  readonly #events: Emitter;
  readonly #client: TokenClient;
  readonly #store: ResilientStore;
  readonly #state: StoreState;
  readonly #grants: TokenGrants;
  readonly #guards: SharedGuards;
  /** Whether the fleet-hazard warning was given (once per engine). */
  #warnedOfOtherClient = false;

  constructor({ o, events, client, store, state, guards }: EngineParts, grants: TokenGrants) {
    this.#o = o;
    this.#events = events;
    this.#client = client;
    this.#store = store;
    this.#state = state;
    this.#guards = guards;
    this.#grants = grants;
  }

  /** Signs a user in under `key` with a password grant; the password is used once, never stored. */
  async login(
    key: string,
    principal: string,
    user: { username: string; password: string },
    signal: AbortSignal | undefined,
  ): Promise<TokenSet> {
    const previous = await this.#store.read(key);
    // A sign-in takes no priority over the app's own calls, and its signal ends its wait for a
    // permit and its request: an abandoned sign-in never reaches Zenoti (nor counts toward a lockout).
    const set = await this.#grants.grant(
      { grant_type: 'password', user_name: user.username, password: user.password },
      previous,
      'sign-in',
      signal,
    );
    // Only a login that succeeded replaces the session: refreshes running before it, or while it
    // is being stored, do not store theirs.
    this.#state.newSession(key);
    await this.#grants.save(key, set, 'password', principal);
    this.#state.newSession(key);
    return set;
  }

  /** Ends the session under `key`: forgets it, then tells Zenoti. `revoked` is false if Zenoti could not be told. */
  async end(
    key: string,
    principal: string | undefined,
    reason: 'logout' | 'revoke',
  ): Promise<{ revoked: boolean }> {
    // Refreshes running now, or starting before the delete lands, do not bring the session back;
    // callers from now on do not join them.
    this.#state.newSession(key);
    this.#state.change(key).flight = undefined;
    const set = await this.#store.read(key);
    await this.#grants.forget(key);
    this.#state.newSession(key);
    if (!set) return { revoked: false };
    // Processes that still hold the set must not write it back as if the store had lost it.
    await this.#guards.shareEnded(key, set);
    emitTokenEvent(this.#events, principal, set, { reason });
    try {
      return { revoked: await this.#client.revoke(set.accessToken) };
    } catch (error) {
      if (isZenotiAuthError(error)) this.#events.emit({ type: 'error', principal, error });
      return { revoked: false };
    }
  }

  /**
   * Marks `rejectedHeader`'s token dead after a 401, only if it is still the current one
   * (compare-and-delete), so a burst of 401s for one token causes one refresh.
   */
  async invalidate(key: string, principal: string | undefined, rejectedHeader: string): Promise<boolean> {
    const token = parseAuthorization(rejectedHeader);
    if (token?.scheme !== 'bearer') return false;
    const { set: current, fromStore } = await this.#store.inspect(key);
    const known = this.#state.peek(key);
    const guard = known?.lastUnauthorizedAt;
    const now = this.#o.now();
    if (
      current?.accessToken !== token.credential ||
      known?.rejectedToken === token.credential ||
      // A token minted right after a 401 and never accepted since: the 401 is about permissions, not
      // the token. Unless the store could not be read: then another process may have killed it with
      // a refresh this one cannot see, and a new token is the way out.
      (fromStore &&
        guard !== undefined &&
        now - guard < UNAUTHORIZED_REFRESH_GUARD_MS &&
        !this.#state.accepted.has(acceptedId(token.credential)))
    )
      return false;
    const state = this.#state.change(key);
    state.rejectedToken = token.credential;
    state.lastUnauthorizedAt = now;
    this.#state.epoch++;
    emitTokenEvent(this.#events, principal, token.credential, { reason: 'unauthorized' });
    // Only the store itself can tell that nobody sharing it replaced the token (not a copy kept
    // through an outage: the fleet's own password grants meanwhile are not another client).
    if (this.#state.accepted.has(acceptedId(token.credential)) && fromStore && this.#store.reachable)
      this.#warnOfOtherClient(current, now);
    return true;
  }

  /**
   * The fleet hazard: Zenoti rejected a token it had accepted, long before its expiry, and it is
   * still the stored one, so nobody that shares this store refreshed, revoked or logged it out.
   * Most likely another client signs in or refreshes with the same credentials: each of its
   * refreshes kills this one's tokens (and this one's kill its). Said once per engine.
   */
  #warnOfOtherClient(set: TokenSet, now: number): void {
    const leftMs = set.accessTokenExpiresAt - now;
    if (this.#warnedOfOtherClient || leftMs < CLOCK_MARGIN_MS) return;
    this.#warnedOfOtherClient = true;
    warnOf(
      this.#events,
      'engine',
      `[@zenoti-auth/core] Zenoti rejected a token that had worked and had ${Math.round(leftMs / 1_000)} s left, and nothing sharing this token store replaced or revoked it: another client (a process, an isolate or a server) is probably using the same credentials, and each refresh kills the other's tokens. Give them one shared token store (e.g. RedisTokenStore from @zenoti-auth/redis).`,
    );
  }
}
