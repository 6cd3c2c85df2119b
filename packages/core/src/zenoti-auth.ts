import type { ApiKey } from './api-key.ts';
import { assembleEngine } from './engine-assembly.ts';
import { markEngine } from './engine-brand.ts';
import { ZenotiAuthError } from './errors.ts';
import type { Emitter, ZenotiAuthEventType, ZenotiAuthListener } from './events.ts';
import { parseAuthorization } from './header.ts';
import { HEALTH_SOURCES } from './health-sources.ts';
import type { TokenKeys } from './identity.ts';
import { acceptedId, type StoreState } from './key-state.ts';
import type { ResolvedOptions, ZenotiAuthOptions } from './options.ts';
import type { RateLimits } from './rate-limits.ts';
import type { ServiceUserHeader } from './service-user-header.ts';
import { checkLoginInput, type LoginInput, type LoginResult, type Sessions } from './sessions.ts';
import type { TokenCycle } from './token-cycle.ts';
import { resolveOptions } from './validate.ts';
import { type ZenotiRequestInit, zenotiFetch } from './zenoti-fetch.ts';

export { isZenotiAuth } from './engine-brand.ts';
export type { LoginInput, LoginResult } from './sessions.ts';
export type { ZenotiCallOptions, ZenotiRequestInit } from './zenoti-fetch.ts';

export interface AuthorizationOptions {
  /** Whose token: an end user's principal from `login()`. @default the app's service user */
  principal?: string | undefined;
  /** Stops this caller's wait; a refresh shared with other callers carries on. */
  signal?: AbortSignal | undefined;
}

function invalidInput(message: string, field: string): ZenotiAuthError {
  return new ZenotiAuthError('INVALID_OPTIONS', message, { field });
}

/**
 * The Zenoti credential engine: one instance per Zenoti app configuration. The public API; the
 * work is done by the token cycle (`token-cycle.ts`), whose rules are in `refresh-policy.ts`.
 *
 * @example
 * const zenoti = new ZenotiAuth({ apiKey: process.env.ZENOTI_API_KEY! });
 * const res = await zenoti.fetch('/v1/centers');
 */
export class ZenotiAuth {
  readonly #o: ResolvedOptions;
  readonly #events: Emitter;
  readonly #keys: TokenKeys;
  readonly #state: StoreState;
  readonly #cycle: TokenCycle;
  readonly #sessions: Sessions;
  readonly #serviceUser: ServiceUserHeader;
  readonly #limits: RateLimits;
  readonly #apiKey: ApiKey | undefined;

  constructor(options: ZenotiAuthOptions) {
    this.#o = resolveOptions(options);
    const engine = assembleEngine(this.#o);
    this.#events = engine.events;
    this.#keys = engine.keys;
    this.#state = engine.state;
    this.#cycle = engine.cycle;
    this.#sessions = engine.sessions;
    this.#serviceUser = engine.serviceUser;
    this.#limits = engine.limits;
    this.#apiKey = engine.apiKey;
    // What `healthOf()` (`@zenoti-auth/core/health`, an entry of its own) reads; not enumerable.
    Object.defineProperty(this, HEALTH_SOURCES, { value: engine.health });
    markEngine(this);
  }

  /** `'apiKey'` or `'token'`. */
  get mode(): 'apiKey' | 'token' {
    return this.#apiKey === undefined ? 'token' : 'apiKey';
  }

  /** The Zenoti base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.#o.baseUrl;
  }

  /**
   * The service user's username (`user.username`), never its password; `undefined` without a service
   * user. Lets an end-user sign-in refuse it, so end users' wrong passwords cannot lock it.
   */
  get serviceUsername(): string | undefined {
    return this.#o.user?.username;
  }

  /** The `Authorization` value to send: `"apikey …"` or `"bearer …"`. */
  authorization(options?: AuthorizationOptions): Promise<string> {
    const ready =
      this.#apiKey?.header(options?.signal) ??
      (options?.principal === undefined
        ? this.#serviceUser.ready(this.#keys.serviceUser)?.promise
        : undefined);
    return ready ?? this.#authorizationByCycle(options);
  }

  /**
   * The `Authorization` value if it is available right now without waiting (an API key, or the
   * service user's fresh token in an in-process store), else `undefined`: then call
   * `authorization()`. Lets adapters skip a promise on their hot path.
   */
  peekAuthorization(options?: { principal?: string | undefined }): string | undefined {
    return (
      this.#apiKey?.ready ??
      (options?.principal === undefined ? this.#serviceUser.ready(this.#keys.serviceUser)?.header : undefined)
    );
  }

  async #authorizationByCycle(options: AuthorizationOptions | undefined): Promise<string> {
    const key = await this.#keys.of(options?.principal);
    return this.#serviceUser.headerOf(await this.#cycle.token(key, options?.principal, options?.signal));
  }

  /**
   * Marks a token as rejected after a 401 — only if it is still the current one (compare-and-delete),
   * so a burst of 401s for one token causes one refresh. Returns whether it was marked. For an API
   * key from a provider: whether the provider has a newer key now (see `ApiKey.renew`).
   */
  async invalidate(
    rejectedHeaderValue: string,
    options?: { principal?: string | undefined },
  ): Promise<boolean> {
    if (this.#apiKey) return this.#apiKey.renew(rejectedHeaderValue);
    if (parseAuthorization(rejectedHeaderValue)?.scheme !== 'bearer') return false;
    const key = await this.#keys.of(options?.principal);
    return this.#sessions.invalidate(key, options?.principal, rejectedHeaderValue);
  }

  /** Tells the engine that Zenoti accepted a request sent with this header (adapters call this). */
  accepted(headerValue: string): void {
    if (this.#apiKey) {
      this.#apiKey.acceptedAt = this.#o.now();
      return;
    }
    // The usual case, the current token: its id is at hand, and recording it costs one lookup.
    const id = this.#serviceUser.idOf(headerValue) ?? parseAuthorization(headerValue)?.credential;
    if (id !== undefined) this.#state.accept(acceptedId(id));
  }

  /**
   * A `fetch` that authenticates requests to Zenoti. Accepts a path relative to `baseUrl`.
   * Adds `Authorization` only for allowed origins, retries once after a 401 with a newer
   * credential, and honours `429 Retry-After` within the rate-limit budget.
   */
  fetch(input: string | URL | Request, init?: ZenotiRequestInit): Promise<Response> {
    return zenotiFetch(this, this.#o, this.#limits, input, init);
  }

  /**
   * Waits for a permit of the rate budget (`rateLimit.budget`) to send one call to Zenoti:
   * `undefined` when the call may go at once (no budget, or a permit left), else a promise that
   * resolves when it may go, or rejects with `RATE_LIMITED` or `ABORTED`. `fetch()` does this by
   * itself; adapters that send requests with their own client call it before each one.
   */
  permit(options?: { signal?: AbortSignal | undefined }): Promise<void> | undefined {
    return this.#limits.permit('resource', options?.signal);
  }

  /**
   * Tells the engine what a response of Zenoti said about the rate limit (its headers, and a 429):
   * the rate budget follows it, and a `rateLimit` event reports it. `fetch()` does this by itself;
   * adapters call it for responses their own client received. Returns the wait a 429 asks for.
   */
  observeRateLimit(status: number, headers: Headers): number {
    return this.#limits.observe(status, headers);
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
    if (this.#apiKey) throw invalidInput('login() needs "app" credentials, not an API key.', 'app');
    checkLoginInput(input);
    const principal = input.principal ?? crypto.randomUUID();
    const key = await this.#keys.of(principal);
    const set = await this.#sessions.login(key, principal, input, input.signal);
    return {
      principal,
      userType: set.userType,
      expiresAt: set.accessTokenExpiresAt,
      loginPolicy: set.loginPolicy,
    };
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
    if (this.#apiKey || (principal ?? this.#o.user) === undefined) return { revoked: false };
    return this.#sessions.end(await this.#keys.of(principal), principal, reason);
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
      ...(this.#apiKey ? {} : { accountName: app.accountName, appId: app.appId }),
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ZenotiAuth ${JSON.stringify(this)}`;
  }
}
