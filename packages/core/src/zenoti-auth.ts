import { isZenotiAuthError, ZenotiAuthError } from './errors.ts';
import {
  Emitter,
  type InvalidatedEvent,
  type TokenEvent,
  type ZenotiAuthEventType,
  type ZenotiAuthListener,
} from './events.ts';
import { formatAuthorization, parseAuthorization, redact } from './header.ts';
import { computeIdentity, type Identity } from './identity.ts';
import { defaultTokenStore, PEEK } from './memory-store.ts';
import type { ResolvedOptions, ZenotiAuthOptions } from './options.ts';
import { bound, type SharedState, sharedStateOf } from './shared-state.ts';
import { raceAbort, sleep } from './time.ts';
import { type GrantBody, PASSING, rateLimitWait, TokenClient } from './token-client.ts';
import type { MaybePromise, TokenSet, TokenStore, TokenStoreLock } from './types.ts';
import { hasControlCharacter, resolveOptions } from './validate.ts';

export interface AuthorizationOptions {
  /** Whose token: an end user's principal from `login()`. @default the app's service user */
  principal?: string | undefined;
  /** Stops this caller's wait; a refresh shared with other callers carries on. */
  signal?: AbortSignal | undefined;
}

/** Per-call zenoti-auth settings, as in the axios and Hono adapters. */
export interface ZenotiCallOptions {
  /** Use this end user's token (a principal from `login()`). */
  principal?: string | undefined;
  /** Send no credential on this call. */
  skip?: boolean | undefined;
}

export interface ZenotiRequestInit extends RequestInit {
  zenoti?: ZenotiCallOptions;
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
  /** `acceptedId()` of this set's token, computed once: `accepted()` then costs one Set lookup. */
  id: string;
  /** An unref'd timer (Node, Bun) that spares the hot path a clock read; undefined where timers cannot be unref'd. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Clock reads cost 50–90 ns on some virtual machines, more than the rest of the hot path. Where a
 * timer can be unref'd (it then never keeps a process alive), let a timer say when the memo is due
 * instead. Timers fire late, never early, and the refresh window is minutes wide, so lateness is harmless.
 */
function armDueTimer(memo: Memo): void {
  const delay = memo.refreshAt - Date.now();
  if (delay <= 0 || delay > 2_147_483_647) return;
  const timer = setTimeout(() => {
    memo.due = true;
  }, delay) as ReturnType<typeof setTimeout> & { unref?: () => void };
  if (typeof timer?.unref === 'function') {
    timer.unref();
    memo.timer = timer;
  } else clearTimeout(timer);
}

/** Zenoti tokens are ~1 kB; the tail is unique enough to remember which ones were accepted. */
function acceptedId(token: string): string {
  return token.slice(-32);
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {}
}

/**
 * Sends `request`, following redirects by hand so that every hop is checked: the credential goes
 * only to allowed origins, and is dropped as soon as a redirect leaves them.
 */
async function send(
  doFetch: typeof fetch,
  allowed: (url: string | URL) => boolean,
  request: Request,
  header: string | undefined,
): Promise<Response> {
  let current = request;
  for (let hop = 0; ; hop++) {
    const headers = new Headers(current.headers);
    if (header !== undefined)
      allowed(current.url) ? headers.set('authorization', header) : headers.delete('authorization');
    // A bodiless request can be reused as it is; one with a body is cloned so a 307/308 can replay it.
    // The fetch gets one complete Request (wrappers that read `input.headers` see the credential).
    const response = await doFetch(
      new Request(current.body ? current.clone() : current, { headers, redirect: 'manual' }),
    );
    const location = response.headers.get('location');
    if (
      ![301, 302, 303, 307, 308].includes(response.status) ||
      location === null ||
      request.redirect !== 'follow'
    )
      return response;
    if (hop >= 10) throw new TypeError('[@zenoti-auth/core] Too many redirects.');
    await discard(response);
    const url = new URL(current.url);
    const next = new URL(location, url);
    const keepBody = response.status > 306;
    const method = current.method;
    const nextHeaders = new Headers(current.headers);
    if (next.origin !== url.origin) {
      nextHeaders.delete('authorization');
      nextHeaders.delete('cookie');
    }
    if (!keepBody) {
      nextHeaders.delete('content-type');
      nextHeaders.delete('content-length');
    }
    current = new Request(next, {
      method:
        keepBody || method === 'HEAD' || (method !== 'POST' && response.status !== 303) ? method : 'GET',
      headers: nextHeaders,
      body: keepBody ? current.body : null,
      redirect: 'manual',
      signal: current.signal,
      ...(keepBody && current.body ? { duplex: 'half' } : {}),
    } as RequestInit);
    // Credentials follow only to allowed origins; the request's own Authorization never leaves its origin.
    if (!allowed(next)) header = undefined;
  }
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

function ended(): ZenotiAuthError {
  return new ZenotiAuthError('LOGIN_REQUIRED', 'The session has ended: sign in again.');
}

function invalidInput(message: string, field: string): ZenotiAuthError {
  return new ZenotiAuthError('INVALID_OPTIONS', message, { field });
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
  readonly #store: TokenStore & { [PEEK]?: (key: string) => TokenSet | undefined };
  readonly #state: SharedState;
  readonly #apiKeyHeader: string | undefined;
  readonly #apiKeyPromise: Promise<string> | undefined;
  #identity: Identity | undefined;
  #identityPromise: Promise<Identity> | undefined;
  #memo: Memo | undefined;

  constructor(options: ZenotiAuthOptions) {
    const o = resolveOptions(options);
    this.#o = o;
    this.#events = new Emitter(o.onEvent);
    this.#client = new TokenClient(o, this.#events);
    this.#store = o.store ?? defaultTokenStore();
    this.#state = sharedStateOf(this.#store);
    if (o.apiKey !== undefined) {
      this.#apiKeyHeader = formatAuthorization('apikey', o.apiKey);
      this.#apiKeyPromise = Promise.resolve(this.#apiKeyHeader);
    }
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
    const fixed =
      this.#apiKeyPromise ?? (options?.principal === undefined ? this.#ready()?.promise : undefined);
    return fixed ?? this.#authorizationSlow(options);
  }

  /**
   * The `Authorization` value if it is available right now without waiting (an API key, or the
   * service user's fresh token in an in-process store), else `undefined`: then call
   * `authorization()`. Lets adapters skip a promise on their hot path.
   */
  peekAuthorization(options?: { principal?: string | undefined }): string | undefined {
    return this.#apiKeyHeader ?? (options?.principal === undefined ? this.#ready()?.header : undefined);
  }

  /** Hot path: the service user's token, from a synchronous store, still fresh — one store read, no allocation. */
  #ready(): Memo | undefined {
    const key = this.#identity?.serviceUser;
    if (key === undefined) return undefined;
    const store = this.#store;
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
    return this.#header(await this.#token(options?.principal, options?.signal));
  }

  #header(set: TokenSet): string {
    let memo = this.#memo;
    if (memo?.set !== set) {
      const header = formatAuthorization('bearer', set.accessToken);
      clearTimeout(memo?.timer);
      memo = {
        set,
        header,
        promise: Promise.resolve(header),
        refreshAt: set.accessTokenExpiresAt - this.#window(set),
        epoch: this.#state.epoch,
        due: false,
        id: acceptedId(set.accessToken),
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
    const token = parseAuthorization(rejectedHeaderValue);
    if (this.#apiKeyHeader !== undefined || token?.scheme !== 'bearer') return false;
    const principal = options?.principal;
    const state = this.#state;
    const key = await this.#keyFor(principal);
    const current = await this.#read(key);
    const guard = state.unauthorizedAt.get(key);
    const now = this.#o.now();
    if (
      current?.accessToken !== token.credential ||
      state.rejected.get(key) === token.credential ||
      // A token minted right after a 401 and never accepted since: the 401 is about permissions, not the token.
      (guard !== undefined &&
        now - guard < UNAUTHORIZED_REFRESH_GUARD_MS &&
        !state.accepted.has(acceptedId(token.credential)))
    )
      return false;
    state.rejected.set(key, token.credential);
    state.epoch++;
    state.unauthorizedAt.set(key, now);
    this.#emit('invalidated', principal, token.credential, { reason: 'unauthorized' });
    return true;
  }

  /** Tells the engine that Zenoti accepted a request sent with this header (adapters call this). */
  accepted(headerValue: string): void {
    if (this.#apiKeyHeader !== undefined) return;
    const memo = this.#memo;
    const accepted = this.#state.accepted;
    // The usual case, the current token: one lookup; it is written again only if the bound dropped it.
    let id: string | undefined;
    if (headerValue === memo?.header) id = memo.id;
    else {
      const token = parseAuthorization(headerValue)?.credential;
      if (token !== undefined) id = acceptedId(token);
    }
    if (id !== undefined && !accepted.has(id)) {
      accepted.add(id);
      bound(accepted, 1_024);
    }
  }

  /**
   * A `fetch` that authenticates requests to Zenoti. Accepts a path relative to `baseUrl`.
   * Adds `Authorization` only for allowed origins, retries once after a 401 with a newer
   * credential, and honours `429 Retry-After` within the rate-limit budget.
   */
  async fetch(input: string | URL | Request, init: ZenotiRequestInit = {}): Promise<Response> {
    const { zenoti, ...rest } = init;
    const o = this.#o;
    const request = new Request(
      // Absolute and protocol-relative inputs keep their own origin; paths go under the base URL.
      input instanceof Request || /^[a-z][a-z\d+.-]*:|^[\\/]{2}/i.test(String(input))
        ? input instanceof Request
          ? input
          : new URL(input, `${o.baseUrl}/`)
        : `${o.baseUrl}${String(input).startsWith('/') ? '' : '/'}${input}`,
      rest,
    );
    const principal = zenoti?.principal;
    const signal = request.signal;
    const allowed = (url: string | URL): boolean => this.isAllowedUrl(url);
    let header =
      zenoti?.skip !== true && allowed(request.url)
        ? await this.authorization({ principal, signal })
        : undefined;
    for (let retried = false, limited = 0; ; ) {
      const response = await send(
        o.fetch ?? fetch,
        allowed,
        request.body ? request.clone() : request,
        header,
      );
      if (!allowed(response.url || request.url)) return response;
      const status = response.status;
      if (status === 429) {
        if (o.rateLimit === false) return response;
        await discard(response);
        await sleep(rateLimitWait(o, this.#events, response, limited++), signal);
        continue;
      }
      rateLimitWait(o, this.#events, response, 0);
      if (header === undefined) return response;
      if (status !== 401) {
        this.accepted(header);
        return response;
      }
      await discard(response);
      const rejected = header;
      if (!retried) {
        await this.invalidate(rejected, { principal });
        header = await this.authorization({ principal, signal });
      }
      if (retried || header === rejected)
        throw new ZenotiAuthError(
          'UNAUTHORIZED',
          `Zenoti answered 401 (${retried ? 'again, after a retry with a fresh credential' : this.#apiKeyHeader ? 'API key rejected' : 'no newer credential'}).`,
          { status: 401 },
        );
      retried = true;
    }
  }

  /**
   * Whether credentials may be sent to this URL (the base URL's origin or an allowed origin).
   * A relative string is resolved against `baseUrl` — adapters whose clients resolve relative URLs
   * differently (e.g. against a page's origin) must pass the URL their client will actually request.
   */
  isAllowedUrl(url: string | URL): boolean {
    try {
      return this.#o.allowedOrigins.has(
        (typeof url === 'string' ? new URL(url, `${this.#o.baseUrl}/`) : url).origin,
      );
    } catch {
      return false;
    }
  }

  /** Signs an end user in (guest or therapist apps). Their password is used once and never stored. */
  async login(input: LoginInput): Promise<LoginResult> {
    if (this.#apiKeyHeader) throw invalidInput('login() needs "app" credentials, not an API key.', 'app');
    for (const field of ['username', 'password', 'principal'] as const) {
      const value = input?.[field];
      if (
        (value !== undefined || field !== 'principal') &&
        (typeof value !== 'string' || value.trim() === '')
      )
        throw invalidInput(`login() needs a non-empty string "${field}".`, field);
      if (typeof value === 'string' && hasControlCharacter(value))
        throw invalidInput(`login() "${field}" must not contain control characters.`, field);
    }
    const principal = input.principal ?? crypto.randomUUID();
    const key = await this.#keyFor(principal);
    const previous = await this.#read(key);
    const set = await raceAbort(
      this.#grant({ grant_type: 'password', user_name: input.username, password: input.password }, previous),
      input.signal,
    );
    // Only a login that succeeded replaces the session: refreshes running before it, or while it is
    // being stored, do not store theirs.
    this.#newSession(key);
    await this.#save(key, set, 'password', principal);
    this.#newSession(key);
    return { principal, userType: set.userType, expiresAt: new Date(set.accessTokenExpiresAt) };
  }

  /** Revokes an end user's session at Zenoti and forgets it. `revoked` is false if Zenoti could not be told. */
  async logout(principal: string): Promise<{ revoked: boolean }> {
    if (typeof principal !== 'string' || principal === '')
      throw invalidInput('logout() needs the principal returned by login().', 'principal');
    return this.#end(principal, 'logout');
  }

  /** Revokes the app's own (service user) token at Zenoti and forgets it. */
  revoke(): Promise<{ revoked: boolean }> {
    return this.#end(undefined, 'revoke');
  }

  async #end(principal: string | undefined, reason: 'logout' | 'revoke'): Promise<{ revoked: boolean }> {
    // With an API key, or no service user, there is no app-own token to revoke.
    if (this.#apiKeyHeader || (principal ?? this.#o.user) === undefined) return { revoked: false };
    const key = await this.#keyFor(principal);
    // Refreshes running now, or starting before the delete lands, do not bring the session back;
    // callers from now on do not join them.
    this.#newSession(key);
    this.#state.inflight.delete(key);
    const set = await this.#read(key);
    await this.#delete(key);
    this.#newSession(key);
    if (!set) return { revoked: false };
    this.#emit('invalidated', principal, set, { reason });
    try {
      return { revoked: await this.#client.revoke(set.accessToken) };
    } catch (error) {
      if (isZenotiAuthError(error)) this.#events.emit({ type: 'error', principal, error });
      return { revoked: false };
    }
  }

  /** Marks the start (login) or end (logout, revoke) of a session under `key`: refreshes already running do not store. */
  #newSession(key: string): void {
    const state = this.#state;
    state.sessions.delete(key);
    state.sessions.set(key, ++state.sessionClock);
    bound(state.sessions, 10_000);
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
    const { baseUrl, app } = this.#o;
    return {
      type: 'ZenotiAuth',
      mode: this.mode,
      baseUrl,
      ...(this.#apiKeyHeader ? {} : { accountName: app.accountName, appId: app.appId }),
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ZenotiAuth ${JSON.stringify(this)}`;
  }

  // ---- token lifecycle -------------------------------------------------------------------------

  async #keyFor(principal: string | undefined): Promise<string> {
    this.#identityPromise ??= computeIdentity(this.#o).then((identity) => (this.#identity = identity));
    const identity = await this.#identityPromise;
    // A principal is the caller's text: encoded, it holds no ':', so no principal's key can be
    // another key's refresh lock (`<key>:lock`) or any other name the engine derives from a key.
    const key =
      principal === undefined
        ? identity.serviceUser
        : `${identity.app}:principal:${encodeURIComponent(principal)}`;
    if (key === undefined)
      throw new ZenotiAuthError(
        'LOGIN_REQUIRED',
        'No principal and no service "user": pass a principal from login().',
      );
    return key;
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
    const state = this.#state;
    const giveUpAt = Date.now() + 2 * deadlineMs;
    for (;;) {
      const cooldown = state.cooldown.get(key);
      if (cooldown && cooldown.until > this.#o.now()) throw cooldown.error;
      state.cooldown.delete(key);
      const set = await this.#read(key);
      if (set !== undefined && this.#isUsable(set, key)) return set;
      const flight = state.inflight.get(key);
      const ride = state.rides.get(key);
      if (set !== undefined && ride?.token === set.accessToken && this.#isAlive(set, key)) {
        // Riding out a failed refresh: the live token serves at once, and after the pause one
        // caller starts the next try behind it instead of making everyone wait for it. Where a
        // promise dies with its request (`shareInFlight: false`, Workers), a try left behind could
        // spend the single-use refresh token and lose the answer: that caller waits for it.
        const running = flight && (this.#o.shareInFlight || Date.now() - flight.since < deadlineMs);
        if (running || this.#o.now() < ride.at) return set;
        if (!this.#o.shareInFlight) return raceAbort(this.#fly(key, principal), signal);
        void this.#fly(key, principal);
        return set;
      }
      if (flight && this.#o.shareInFlight) return raceAbort(flight.promise, signal);
      // Zenoti asked for a pause (429) and no token is alive: fail fast, without a token call.
      const pause = state.pauses.get(key);
      const pauseLeft = (pause?.until ?? 0) - this.#o.now();
      if (!flight && pause?.error.code === 'RATE_LIMITED' && pauseLeft > 0)
        throw new ZenotiAuthError(
          'RATE_LIMITED',
          `Zenoti rate limit reached at the token endpoint; retry after ${Math.ceil(pauseLeft / 1000)} s.`,
          { status: 429, retryAfterMs: pauseLeft },
        );
      // No refresh running (or one whose request was cancelled before it could settle): run our own.
      if (!flight || Date.now() - flight.since >= deadlineMs)
        return raceAbort(this.#fly(key, principal), signal);
      // Settled-state sharing (Workers): wait for another request's refresh by polling the store,
      // never by awaiting its promise, which dies with that request.
      if (Date.now() >= giveUpAt)
        throw new ZenotiAuthError(
          'TIMEOUT',
          `No token within ${2 * deadlineMs} ms while another caller refreshed.`,
        );
      await sleep(SETTLED_POLL_MS, signal);
    }
  }

  /** Whether `set` is alive at Zenoti: not expired, and no 401 proved it dead. */
  #isAlive(set: TokenSet, key: string): boolean {
    return this.#o.now() < set.accessTokenExpiresAt && this.#state.rejected.get(key) !== set.accessToken;
  }

  /** Starts the single-flight refresh of `key`. */
  #fly(key: string, principal: string | undefined): Promise<TokenSet> {
    const state = this.#state;
    const promise = this.#renew(key, principal).finally(() => {
      if (state.inflight.get(key)?.promise === promise) state.inflight.delete(key);
    });
    // Every waiter may have given up (AbortSignal), or none waits (a try behind a live token).
    promise.catch(() => undefined);
    state.inflight.set(key, { promise, since: Date.now() });
    return promise;
  }

  async #renew(key: string, principal: string | undefined): Promise<TokenSet> {
    // After a fault with no token alive, the next try waits out the pause: every caller that
    // comes meanwhile joins this one flight instead of starting token calls of its own.
    const pause = this.#state.pauses.get(key);
    if (pause && pause.until > this.#o.now()) await sleep(pause.until - this.#o.now());
    const store = this.#store;
    const started = this.#state.sessionClock;
    let lock: TokenStoreLock | undefined;
    let contended = false;
    if (store.lock)
      try {
        // The wait for another holder is bounded by the same deadline as a token call.
        lock = await store.lock(`${key}:lock`, {
          ttlMs: LOCK_TTL_MS,
          signal: AbortSignal.timeout(this.#o.retry.deadlineMs),
        });
        contended = !lock;
      } catch {
        this.#storeWarning('lock failed; single flight in this process only');
      }
    let current: TokenSet | undefined;
    try {
      // Another process (or the previous lock holder) may have renewed it meanwhile.
      current = await this.#read(key);
      if (current !== undefined && this.#isUsable(current, key)) return current;
      // Another process still holds the lock after our wait, its refresh slow or failing: a live
      // token serves meanwhile rather than a second refresh with the same single-use refresh token.
      if (contended && current && this.#isAlive(current, key))
        return this.#ride(key, current, 'the refresh lock is still held elsewhere');
      let [set, grant] = await this.#obtain(key, principal, current);
      if ((this.#state.sessions.get(key) ?? -1) > started) {
        // A login(), logout() or revoke() came meanwhile: its answer stands, not this older
        // session's refresh. The service user signs in again, as its next call would.
        const latest = await this.#read(key);
        if (latest && this.#isUsable(latest, key)) return latest;
        if (principal !== undefined) throw ended();
        [set, grant] = await this.#obtain(key, principal, undefined);
      }
      return await this.#save(key, set, grant, principal);
    } catch (error) {
      this.#state.rides.delete(key);
      if (!isZenotiAuthError(error)) throw error;
      this.#events.emit({ type: 'error', principal, error });
      // Someone else (another process, a login) stored a good set meanwhile: that one serves.
      const still = await this.#read(key);
      if (still && this.#isUsable(still, key)) return still;
      // A passing fault (5xx, timeout, dropped connection, 429) took nothing away: a token that is
      // still alive, and still the stored one, serves until it expires; the refresh is tried again
      // after a pause. Had Zenoti refreshed after all, the old token's first 401 starts recovery.
      // A final answer (4xx, 501, a rejected password) is the callers' error at once.
      if (!PASSING.has(error)) throw error;
      if (!still || still.accessToken !== current?.accessToken || !this.#isAlive(still, key)) {
        this.#pause(key, error);
        throw error;
      }
      return this.#ride(key, still, `refresh failed (${error.code})`, error.retryAfterMs);
    } finally {
      await this.#safe(() => lock?.release(), 'unlock failed; the lock will expire');
    }
  }

  /**
   * A passing failure with no token alive: no token call under `key` before Zenoti's Retry-After
   * (429), or, after any other fault, before the delay the backoff would take next.
   */
  #pause(key: string, error: ZenotiAuthError): void {
    const pauses = this.#state.pauses;
    const { minDelayMs, maxDelayMs, retries } = this.#o.retry;
    const ms =
      error.code === 'RATE_LIMITED'
        ? (error.retryAfterMs ?? 0)
        : Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(retries, 20));
    pauses.delete(key);
    pauses.set(key, { until: this.#o.now() + ms, error });
    bound(pauses, 1_000);
  }

  /**
   * Serves `set`, alive but due for a refresh that could not be made, until the next try: after
   * `min(retry.deadlineMs, half its time left)`, not before `notBeforeMs` (a 429's Retry-After).
   */
  #ride(key: string, set: TokenSet, why: string, notBeforeMs = 0): TokenSet {
    const now = this.#o.now();
    const left = set.accessTokenExpiresAt - now;
    const pause = Math.min(Math.max(Math.min(this.#o.retry.deadlineMs, left / 2), notBeforeMs), left);
    const rides = this.#state.rides;
    rides.delete(key);
    rides.set(key, { at: now + pause, token: set.accessToken });
    bound(rides, 1_000);
    this.#events.emit({
      type: 'warning',
      message: `[@zenoti-auth/core] Token not renewed: ${why}. The current one serves until it expires; next try in ${Math.round(pause)} ms.`,
    });
    return set;
  }

  async #obtain(
    key: string,
    principal: string | undefined,
    current: TokenSet | undefined,
  ): Promise<[TokenSet, 'password' | 'refresh']> {
    const refreshToken = current?.refreshToken;
    if (refreshToken && !((current.refreshTokenExpiresAt ?? Number.POSITIVE_INFINITY) <= this.#o.now())) {
      try {
        return [
          await this.#grant({ grant_type: 'refresh_token', refresh_token: refreshToken }, current),
          'refresh',
        ];
      } catch (error) {
        const { code, status = 0 } = error as ZenotiAuthError;
        if (code !== 'CREDENTIALS_REJECTED' && !(code === 'TOKEN_ENDPOINT' && status > 399 && status < 500))
          throw error;
        // The single-use refresh token is spent or dead: forget it so nobody sends it again.
        await this.#delete(key, current.version);
        this.#emit('invalidated', principal, current, { reason: 'refresh-rejected' });
      }
    }
    const user = principal === undefined ? this.#o.user : undefined;
    if (!user) throw ended();
    try {
      return [
        await this.#grant(
          { grant_type: 'password', user_name: user.username, password: user.password },
          current,
        ),
        'password',
      ];
    } catch (error) {
      const cooldownMs = this.#o.credentialsCooldownMs;
      if ((error as ZenotiAuthError).code === 'CREDENTIALS_REJECTED' && cooldownMs > 0) {
        this.#state.cooldown.set(key, { until: this.#o.now() + cooldownMs, error: error as ZenotiAuthError });
        this.#state.epoch++;
      }
      throw error;
    }
  }

  #grant(body: GrantBody, previous: TokenSet | undefined): Promise<TokenSet> {
    return this.#client.grant(body, previous?.version ?? 0, (this.#identity as Identity).deviceId);
  }

  /** Stores a new set, clears any 401 mark on its key and announces it. */
  async #save(
    key: string,
    set: TokenSet,
    grant: 'password' | 'refresh',
    principal: string | undefined,
  ): Promise<TokenSet> {
    if (!this.#store.local) this.#remember(key, set);
    const until = Math.max(set.refreshTokenExpiresAt ?? 0, set.accessTokenExpiresAt);
    await this.#safe(
      () => this.#store.set(key, set, Math.max(1_000, until - this.#o.now())),
      'write failed; token kept in this process',
    );
    this.#state.rejected.delete(key);
    this.#state.rides.delete(key);
    this.#state.pauses.delete(key);
    this.#emit('token', principal, set, { grant, expiresAt: set.accessTokenExpiresAt });
    return set;
  }

  #emit(
    type: 'token' | 'invalidated',
    principal: string | undefined,
    token: TokenSet | string,
    rest: Partial<TokenEvent | InvalidatedEvent>,
  ): void {
    const tokenId = redact(typeof token === 'string' ? token : token.accessToken);
    this.#events.emit({ type, principal, tokenId, ...rest } as TokenEvent | InvalidatedEvent);
  }

  // ---- store access: remote stores may fail; the engine carries on with what it last saw ---------

  /** Runs a store operation; a failure becomes a `warning` event and `undefined`. */
  async #safe<T>(op: () => MaybePromise<T> | undefined, failure: string): Promise<T | undefined> {
    try {
      return await op();
    } catch {
      this.#storeWarning(failure);
    }
  }

  #storeWarning(failure: string): void {
    this.#events.emit({ type: 'warning', message: `[@zenoti-auth/core] Token store ${failure}.` });
  }

  /** Remembers a set seen in a remote store (bounded), for when the store is down or lost its data. */
  #remember(key: string, set: TokenSet): void {
    const lastKnown = this.#state.lastKnown;
    lastKnown.delete(key);
    lastKnown.set(key, set);
    bound(lastKnown, 1_000);
  }

  async #read(key: string): Promise<TokenSet | undefined> {
    const local = this.#store.local;
    const last = this.#state.lastKnown.get(key);
    let set: TokenSet | undefined;
    try {
      set = await this.#store.get(key);
    } catch {
      this.#storeWarning('read failed; using the last token seen');
      return last;
    }
    if (!local && set) this.#remember(key, set);
    // A remote store that lost its data (restart) must not make us forget a live token set.
    return set ?? (!local && last && last.accessTokenExpiresAt > this.#o.now() ? last : undefined);
  }

  async #delete(key: string, ifVersion?: number): Promise<void> {
    this.#state.lastKnown.delete(key);
    this.#state.rejected.delete(key);
    this.#state.rides.delete(key);
    await this.#safe(() => this.#store.delete(key, ifVersion), 'delete failed');
  }
}
