import { isZenotiAuthError, ZenotiAuthError } from './errors.ts';
import { Emitter, type ZenotiAuthEventType, type ZenotiAuthListener } from './events.ts';
import { authorizedFetch, type ZenotiRequestInit } from './fetch.ts';
import { formatAuthorization, parseAuthorization } from './header.ts';
import { computeIdentity, type Identity, principalKey } from './identity.ts';
import { defaultTokenStore, PEEK } from './memory-store.ts';
import type { ResolvedOptions, ZenotiAuthOptions } from './options.ts';
import { redact } from './redact.ts';
import { rememberLastKnown, type SharedState, sharedStateOf } from './shared-state.ts';
import { raceAbort, sleep } from './time.ts';
import { TokenClient } from './token-client.ts';
import type { TokenSet, TokenStore, TokenStoreLock } from './types.ts';
import { resolveOptions } from './validate.ts';

export interface AuthorizationOptions {
  /** Whose token: an end user's principal from `login()`. @default the app's service user */
  principal?: string | undefined;
  /** Stops this caller's wait; a refresh shared with other callers carries on. */
  signal?: AbortSignal | undefined;
}

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
  /** When the access token expires (it is refreshed automatically until the refresh token ends). */
  expiresAt: Date;
}

/** 401s on a token obtained within this long after a 401-triggered refresh are not taken as token death. */
const UNAUTHORIZED_REFRESH_GUARD_MS = 30_000;
/** How often a caller polls settled state while another request refreshes (`shareInFlight: false`). */
const SETTLED_POLL_MS = 20;
/** How long a cross-process lock is held at most while refreshing. */
const LOCK_TTL_MS = 30_000;

/** The last header this engine produced, with everything the hot path needs to reuse it. */
interface Memo {
  set: TokenSet;
  header: string;
  promise: Promise<string>;
  /** Local time after which the set must be refreshed. */
  refreshAt: number;
  /** `SharedState.epoch` when the memo was last known valid (a 401 or cool-down anywhere bumps it). */
  epoch: number;
  /** Set by `timer` at `refreshAt`. */
  due: boolean;
  /** An unref'd timer (Node, Bun) that spares the hot path a clock read; undefined where timers cannot be unref'd. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

const MAX_TIMER_MS = 2_147_483_647;

/**
 * Clock reads cost 50–90 ns on some virtual machines, more than the rest of the hot path. Where a
 * timer can be unref'd (it then never keeps a process alive), let a timer say when the memo is due
 * instead. Timers fire late, never early, and the refresh window is minutes wide, so lateness is harmless.
 */
function armDueTimer(memo: Memo): void {
  const delay = memo.refreshAt - Date.now();
  if (delay <= 0 || delay > MAX_TIMER_MS) return;
  const timer = setTimeout(() => {
    memo.due = true;
  }, delay) as unknown as { unref?: () => void };
  if (typeof timer?.unref === 'function') {
    timer.unref();
    memo.timer = timer as unknown as ReturnType<typeof setTimeout>;
  } else {
    clearTimeout(timer as unknown as ReturnType<typeof setTimeout>);
  }
}

/** Zenoti tokens are ~1 kB; the tail is unique enough to remember which ones were accepted. */
function acceptedId(token: string): string {
  return token.slice(-32);
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/**
 * The Zenoti credential engine: one instance per Zenoti app configuration.
 *
 * @example
 * const zenoti = new ZenotiAuth({ apiKey: process.env.ZENOTI_API_KEY! });
 * const res = await zenoti.fetch('/v1/centers');
 */
export class ZenotiAuth {
  readonly #o: ResolvedOptions;
  readonly #events: Emitter;
  readonly #client: TokenClient;
  readonly #store: TokenStore;
  readonly #state: SharedState;
  readonly #apiKeyHeader: string | undefined;
  readonly #apiKeyPromise: Promise<string> | undefined;
  #identity: Identity | undefined;
  #identityPromise: Promise<Identity> | undefined;
  #memo: Memo | undefined;

  constructor(options: ZenotiAuthOptions) {
    this.#o = resolveOptions(options);
    this.#events = new Emitter(this.#o.onEvent);
    this.#client = new TokenClient(this.#o, this.#events);
    this.#store = this.#o.store ?? defaultTokenStore();
    this.#state = sharedStateOf(this.#store);
    this.#apiKeyHeader =
      this.#o.apiKey === undefined ? undefined : formatAuthorization('apikey', this.#o.apiKey);
    this.#apiKeyPromise = this.#apiKeyHeader === undefined ? undefined : Promise.resolve(this.#apiKeyHeader);
  }

  /** `'apiKey'` or `'token'`. */
  get mode(): 'apiKey' | 'token' {
    return this.#apiKeyHeader === undefined ? 'token' : 'apiKey';
  }

  /** The Zenoti base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.#o.baseUrl;
  }

  /** The `Authorization` value to send: `"apikey …"` or `"bearer …"`. */
  authorization(options?: AuthorizationOptions): Promise<string> {
    const fixed = this.#apiKeyPromise;
    if (fixed !== undefined) return fixed;
    if (options?.principal === undefined) {
      const memo = this.#ready();
      if (memo !== undefined) return memo.promise;
    }
    return this.#authorizationSlow(options);
  }

  /**
   * The `Authorization` value if it is available right now without waiting (an API key, or the
   * service user's fresh token in an in-process store), else `undefined`: then call
   * `authorization()`. Lets adapters skip a promise on their hot path.
   */
  peekAuthorization(options?: { principal?: string | undefined }): string | undefined {
    if (this.#apiKeyHeader !== undefined) return this.#apiKeyHeader;
    return options?.principal === undefined ? this.#ready()?.header : undefined;
  }

  /** Hot path: the service user's token, from a synchronous store, still fresh — one store read, no allocation. */
  #ready(): Memo | undefined {
    const key = this.#identity?.serviceUser;
    if (key === undefined) return undefined;
    const store = this.#store as TokenStore & { [PEEK]?: (key: string) => TokenSet | undefined };
    // Only in-process stores answer synchronously; a remote store is read once, on the slow path.
    const set = store[PEEK] ? store[PEEK](key) : store.local === true ? store.get(key) : undefined;
    if (isThenable(set)) {
      set.then(undefined, () => undefined); // never leave a rejection unhandled
      return undefined;
    }
    if (set === undefined) return undefined;
    const memo = this.#memo;
    if (
      memo?.set === set &&
      memo.epoch === this.#state.epoch &&
      (memo.timer !== undefined ? !memo.due : this.#o.now() < memo.refreshAt)
    ) {
      return memo;
    }
    if (!this.#isUsable(set, key) || this.#state.cooldown.has(key)) return undefined;
    this.#header(set);
    return this.#memo;
  }

  async #authorizationSlow(options: AuthorizationOptions | undefined): Promise<string> {
    const set = await this.#token(options?.principal, options?.signal);
    return this.#header(set);
  }

  #header(set: TokenSet): string {
    let memo = this.#memo;
    if (memo?.set !== set) {
      const header = formatAuthorization('bearer', set.accessToken);
      if (memo?.timer !== undefined) clearTimeout(memo.timer);
      memo = {
        set,
        header,
        promise: Promise.resolve(header),
        refreshAt: set.accessTokenExpiresAt - this.#window(set),
        epoch: this.#state.epoch,
        due: false,
        timer: undefined,
      };
      this.#memo = memo;
      if (this.#o.now === Date.now) armDueTimer(memo);
    } else if (memo.epoch !== this.#state.epoch && this.#isUsable(set, this.#identity?.serviceUser ?? '')) {
      memo.epoch = this.#state.epoch;
    }
    return memo.header;
  }

  /**
   * Marks a token as rejected after a 401 — only if it is still the current one (compare-and-delete),
   * so a burst of 401s for one token causes one refresh. Returns whether it was marked.
   */
  async invalidate(
    rejectedHeaderValue: string,
    options?: { principal?: string | undefined },
  ): Promise<boolean> {
    if (this.#apiKeyHeader !== undefined) return false;
    const parsed = parseAuthorization(rejectedHeaderValue);
    if (parsed?.scheme !== 'bearer') return false;
    const key = await this.#keyFor(options?.principal);
    const current = await this.#read(key);
    if (!current || current.accessToken !== parsed.credential) return false;
    if (this.#state.rejected.get(key) === parsed.credential) return false;
    const guard = this.#state.unauthorizedAt.get(key);
    const now = this.#o.now();
    if (
      guard !== undefined &&
      now - guard < UNAUTHORIZED_REFRESH_GUARD_MS &&
      !this.#state.accepted.has(acceptedId(parsed.credential))
    ) {
      // A token minted right after a 401 and never accepted since: the 401 is about permissions, not the token.
      return false;
    }
    this.#state.rejected.set(key, parsed.credential);
    this.#state.epoch++;
    this.#state.unauthorizedAt.set(key, now);
    this.#events.emit({
      type: 'invalidated',
      principal: options?.principal,
      tokenId: redact(parsed.credential),
      reason: 'unauthorized',
    });
    return true;
  }

  /** Tells the engine that Zenoti accepted a request sent with this header (adapters call this). */
  accepted(headerValue: string): void {
    if (this.#apiKeyHeader !== undefined) return;
    const token =
      headerValue === this.#memo?.header
        ? this.#memo.set.accessToken
        : parseAuthorization(headerValue)?.credential;
    if (token !== undefined) this.#state.accepted.add(acceptedId(token));
  }

  /**
   * A `fetch` that authenticates requests to Zenoti. Accepts a path relative to `baseUrl`.
   * Adds `Authorization` only for allowed origins, retries once after a 401 with a newer
   * credential, and honours `429 Retry-After` within the rate-limit budget.
   */
  fetch(input: string | URL | Request, init?: ZenotiRequestInit): Promise<Response> {
    return authorizedFetch(
      {
        options: this.#o,
        events: this.#events,
        mode: this.mode,
        authorization: (principal, signal) => this.authorization({ principal, signal }),
        invalidate: (header, principal) => this.invalidate(header, { principal }),
        accepted: (header) => this.accepted(header),
        isAllowedUrl: (url) => this.isAllowedUrl(url),
      },
      input,
      init,
    );
  }

  /**
   * Whether credentials may be sent to this URL (the base URL's origin or an allowed origin).
   * A relative string is resolved against `baseUrl` — adapters whose clients resolve relative URLs
   * differently (e.g. against a page's origin) must pass the URL their client will actually request.
   */
  isAllowedUrl(url: string | URL): boolean {
    let parsed: URL;
    try {
      parsed = typeof url === 'string' ? new URL(url, `${this.#o.baseUrl}/`) : url;
    } catch {
      return false;
    }
    return this.#o.allowedOrigins.has(parsed.origin);
  }

  /** Signs an end user in (guest or therapist apps). Their password is used once and never stored. */
  async login(input: LoginInput): Promise<LoginResult> {
    if (this.#apiKeyHeader !== undefined) {
      throw new ZenotiAuthError('INVALID_OPTIONS', 'login() needs "app" credentials, not an API key.', {
        field: 'app',
      });
    }
    for (const field of ['username', 'password'] as const) {
      if (typeof input?.[field] !== 'string' || input[field].trim() === '') {
        throw new ZenotiAuthError('INVALID_OPTIONS', `login() needs a non-empty "${field}".`, { field });
      }
    }
    if (
      input.principal !== undefined &&
      (typeof input.principal !== 'string' || input.principal.trim() === '')
    ) {
      throw new ZenotiAuthError('INVALID_OPTIONS', 'login() "principal" must be a non-empty string.', {
        field: 'principal',
      });
    }
    const principal = input.principal ?? globalThis.crypto.randomUUID();
    const key = await this.#keyFor(principal);
    const previous = await this.#read(key);
    const set = await raceAbort(
      this.#client.grant(
        { grant_type: 'password', user_name: input.username, password: input.password },
        previous?.version ?? 0,
      ),
      input.signal,
    );
    await this.#write(key, set);
    this.#state.rejected.delete(key);
    this.#emitToken('password', principal, set);
    return { principal, userType: set.userType, expiresAt: new Date(set.accessTokenExpiresAt) };
  }

  /** Revokes an end user's session at Zenoti and forgets it. `revoked` is false if Zenoti could not be told. */
  logout(principal: string): Promise<{ revoked: boolean }> {
    if (typeof principal !== 'string' || principal === '') {
      return Promise.reject(
        new ZenotiAuthError('INVALID_OPTIONS', 'logout() needs the principal returned by login().', {
          field: 'principal',
        }),
      );
    }
    return this.#end(principal, 'logout');
  }

  /** Revokes the app's own (service user) token at Zenoti and forgets it. */
  revoke(): Promise<{ revoked: boolean }> {
    return this.#end(undefined, 'revoke');
  }

  async #end(principal: string | undefined, reason: 'logout' | 'revoke'): Promise<{ revoked: boolean }> {
    if (this.#apiKeyHeader !== undefined) return { revoked: false };
    // No service user: there is no app-own token to revoke.
    if (principal === undefined && this.#o.user === undefined) return { revoked: false };
    const key = await this.#keyFor(principal);
    const set = await this.#read(key);
    await this.#delete(key);
    if (!set) return { revoked: false };
    this.#events.emit({ type: 'invalidated', principal, tokenId: redact(set.accessToken), reason });
    try {
      return { revoked: await this.#client.revoke(set.accessToken) };
    } catch (error) {
      if (isZenotiAuthError(error)) this.#events.emit({ type: 'error', principal, error });
      return { revoked: false };
    }
  }

  on<T extends ZenotiAuthEventType>(type: T, listener: ZenotiAuthListener<T>): this {
    this.#events.on(type, listener);
    return this;
  }

  off<T extends ZenotiAuthEventType>(type: T, listener: ZenotiAuthListener<T>): this {
    this.#events.off(type, listener);
    return this;
  }

  /** Safe to log: no secret. */
  toJSON(): Record<string, unknown> {
    return {
      type: 'ZenotiAuth',
      mode: this.mode,
      baseUrl: this.#o.baseUrl,
      ...(this.mode === 'token' ? { accountName: this.#o.app.accountName, appId: this.#o.app.appId } : {}),
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ZenotiAuth ${JSON.stringify(this.toJSON())}`;
  }

  // ---- token lifecycle -------------------------------------------------------------------------

  async #getIdentity(): Promise<Identity> {
    if (this.#identity) return this.#identity;
    this.#identityPromise ??= computeIdentity(this.#o).then((identity) => {
      this.#identity = identity;
      return identity;
    });
    return this.#identityPromise;
  }

  async #keyFor(principal: string | undefined): Promise<string> {
    const identity = await this.#getIdentity();
    if (principal !== undefined) return principalKey(identity, principal);
    if (identity.serviceUser === undefined) {
      throw new ZenotiAuthError(
        'LOGIN_REQUIRED',
        'No principal given and no service "user" configured: sign an end user in with login() and pass its principal.',
      );
    }
    return identity.serviceUser;
  }

  #window(set: TokenSet): number {
    return Math.min(this.#o.refreshWindowMs, (set.accessTokenExpiresAt - set.obtainedAt) / 4);
  }

  #isUsable(set: TokenSet, key: string): boolean {
    return (
      this.#o.now() < set.accessTokenExpiresAt - this.#window(set) &&
      this.#state.rejected.get(key) !== set.accessToken
    );
  }

  async #token(principal: string | undefined, signal: AbortSignal | undefined): Promise<TokenSet> {
    const key = await this.#keyFor(principal);
    const { deadlineMs } = this.#o.retry;
    const giveUpAt = Date.now() + 2 * deadlineMs;
    for (;;) {
      this.#checkCooldown(key);
      const set = await this.#read(key);
      if (set !== undefined && this.#isUsable(set, key)) return set;
      const flight = this.#state.inflight.get(key);
      if (flight && this.#o.shareInFlight) return raceAbort(flight.promise, signal);
      if (!flight || Date.now() - flight.since >= deadlineMs) {
        // No refresh running (or one whose request was cancelled before it could settle): run our own.
        return raceAbort(this.#startFlight(key, principal), signal);
      }
      // Settled-state sharing (Workers): wait for another request's refresh by polling the store,
      // never by awaiting its promise, which dies with that request.
      if (Date.now() >= giveUpAt) {
        throw new ZenotiAuthError(
          'TIMEOUT',
          `No token within ${2 * deadlineMs} ms while another caller refreshed.`,
        );
      }
      await sleep(SETTLED_POLL_MS, signal);
    }
  }

  #startFlight(key: string, principal: string | undefined): Promise<TokenSet> {
    const promise = this.#renew(key, principal).finally(() => {
      if (this.#state.inflight.get(key) === flight) this.#state.inflight.delete(key);
    });
    // Every waiter may have given up (AbortSignal); the outcome is still handled.
    promise.catch(() => undefined);
    const flight = { promise, since: Date.now() };
    this.#state.inflight.set(key, flight);
    return promise;
  }

  #checkCooldown(key: string): void {
    const cooldown = this.#state.cooldown.get(key);
    if (cooldown === undefined) return;
    if (cooldown.until > this.#o.now()) throw cooldown.error;
    this.#state.cooldown.delete(key);
  }

  async #renew(key: string, principal: string | undefined): Promise<TokenSet> {
    const lock = await this.#lock(key);
    try {
      // Another process (or the previous lock holder) may have renewed it meanwhile.
      const current = await this.#read(key);
      if (current !== undefined && this.#isUsable(current, key)) return current;
      const { set, grant } = await this.#obtain(key, principal, current);
      await this.#write(key, set);
      this.#state.rejected.delete(key);
      this.#emitToken(grant, principal, set);
      return set;
    } catch (error) {
      if (isZenotiAuthError(error)) this.#events.emit({ type: 'error', principal, error });
      throw error;
    } finally {
      if (lock) {
        try {
          await lock.release();
        } catch {
          this.#warn('Could not release the token store lock; it will expire by itself.');
        }
      }
    }
  }

  async #obtain(
    key: string,
    principal: string | undefined,
    current: TokenSet | undefined,
  ): Promise<{ set: TokenSet; grant: 'password' | 'refresh' }> {
    const now = this.#o.now();
    const version = current?.version ?? 0;
    if (
      current?.refreshToken &&
      (current.refreshTokenExpiresAt === undefined || current.refreshTokenExpiresAt > now)
    ) {
      try {
        const set = await this.#client.grant(
          { grant_type: 'refresh_token', refresh_token: current.refreshToken },
          version,
        );
        return { set, grant: 'refresh' };
      } catch (error) {
        const refused =
          isZenotiAuthError(error) &&
          (error.code === 'CREDENTIALS_REJECTED' ||
            (error.code === 'TOKEN_ENDPOINT' &&
              error.status !== undefined &&
              error.status >= 400 &&
              error.status < 500));
        if (!refused) throw error;
        // The single-use refresh token is spent or dead: forget it so nobody sends it again.
        await this.#delete(key, current.version);
        this.#events.emit({
          type: 'invalidated',
          principal,
          tokenId: redact(current.accessToken),
          reason: 'refresh-rejected',
        });
      }
    }
    const user = principal === undefined ? this.#o.user : undefined;
    if (!user) {
      throw new ZenotiAuthError('LOGIN_REQUIRED', 'The session has ended; the end user must sign in again.');
    }
    try {
      const set = await this.#client.grant(
        { grant_type: 'password', user_name: user.username, password: user.password },
        version,
      );
      return { set, grant: 'password' };
    } catch (error) {
      if (
        isZenotiAuthError(error) &&
        error.code === 'CREDENTIALS_REJECTED' &&
        this.#o.credentialsCooldownMs > 0
      ) {
        this.#state.cooldown.set(key, { until: this.#o.now() + this.#o.credentialsCooldownMs, error });
        this.#state.epoch++;
      }
      throw error;
    }
  }

  #emitToken(grant: 'password' | 'refresh', principal: string | undefined, set: TokenSet): void {
    this.#events.emit({
      type: 'token',
      grant,
      principal,
      tokenId: redact(set.accessToken),
      expiresAt: set.accessTokenExpiresAt,
    });
  }

  #warn(message: string): void {
    this.#events.emit({ type: 'warning', message: `[@zenoti-auth/core] ${message}` });
  }

  // ---- store access: remote stores may fail; the engine carries on with what it last saw ---------

  async #read(key: string): Promise<TokenSet | undefined> {
    try {
      const set = await this.#store.get(key);
      if (!this.#store.local && set !== undefined) rememberLastKnown(this.#state, key, set);
      return set ?? (this.#store.local ? undefined : this.#newerLastKnown(key, undefined));
    } catch {
      this.#warn('The token store could not be read; using the token this process last saw.');
      return this.#state.lastKnown.get(key);
    }
  }

  #newerLastKnown(key: string, set: TokenSet | undefined): TokenSet | undefined {
    // A remote store that lost its data (restart) must not make us forget a live token set.
    const last = this.#state.lastKnown.get(key);
    return last !== undefined && last.accessTokenExpiresAt > this.#o.now() ? last : set;
  }

  async #write(key: string, set: TokenSet): Promise<void> {
    if (!this.#store.local) rememberLastKnown(this.#state, key, set);
    const until = Math.max(set.refreshTokenExpiresAt ?? 0, set.accessTokenExpiresAt);
    try {
      await this.#store.set(key, set, Math.max(1_000, until - this.#o.now()));
    } catch {
      this.#warn('The token store could not be written; the token is kept in this process only.');
    }
  }

  async #delete(key: string, ifVersion?: number): Promise<void> {
    this.#state.lastKnown.delete(key);
    this.#state.rejected.delete(key);
    try {
      await this.#store.delete(key, ifVersion);
    } catch {
      this.#warn('The token store could not be updated (delete).');
    }
  }

  async #lock(key: string): Promise<TokenStoreLock | undefined> {
    if (!this.#store.lock) return undefined;
    try {
      // The wait for another holder is bounded by the same deadline as a token call.
      return await this.#store.lock(`${key}:lock`, {
        ttlMs: LOCK_TTL_MS,
        signal: AbortSignal.timeout(this.#o.retry.deadlineMs),
      });
    } catch {
      this.#warn(
        'The token store lock is unavailable or timed out; refreshing with in-process single flight only.',
      );
      return undefined;
    }
  }
}
