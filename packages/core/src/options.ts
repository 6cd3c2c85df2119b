import { DEFAULTS } from './defaults.ts';
import type { ZenotiAuthEvent } from './events.ts';
import type { RateBudget } from './rate-budget.ts';
import type { EpochMilliseconds } from './time.ts';
import type { TokenStore } from './types.ts';

/** A Zenoti backend app (Configuration › Integrations › Apps). */
export interface ZenotiApp {
  /** The organisation's account name: the subdomain of its Zenoti URL (`spabliss` for spabliss.zenoti.com). */
  accountName: string;
  /** The app's Application ID. */
  appId: string;
  /** The app's secret key (secret). */
  appSecret: string;
  /** A stable id for this device or server. @default a GUID derived from the app and user identity */
  deviceId?: string | undefined;
}

/** A Zenoti login: an employee or a guest. */
export interface ZenotiUser {
  username: string;
  /** (secret) */
  password: string;
}

/** Retries of token-endpoint faults (5xx, timeouts, dropped connections) with full-jitter backoff. */
export interface RetryOptions {
  /** Further attempts after the first. @default {@link DEFAULTS}.retry.retries */
  retries?: number | undefined;
  /** Base delay of the backoff. @default {@link DEFAULTS}.retry.minDelayMs */
  minDelayMs?: number | undefined;
  /** Largest single delay. @default {@link DEFAULTS}.retry.maxDelayMs */
  maxDelayMs?: number | undefined;
  /** Time limit for one token acquisition, all attempts and waits included. @default {@link DEFAULTS}.retry.deadlineMs */
  deadlineMs?: number | undefined;
}

/**
 * Zenoti's rate limit: an optional client-side budget that paces calls before Zenoti has to say
 * 429, and how `fetch()` and token calls answer a 429 when it comes.
 */
export interface RateLimitPolicy {
  /**
   * Permission to make each call, shared by every engine (and, with a shared budget such as
   * `RedisRateBudget`, every process) that holds it: e.g. `new MemoryRateBudget()` (60 calls a
   * minute) from `@zenoti-auth/core/rate-budget`, or a budget of your own given to `pacedBudget()`
   * there. Callers wait for a permit in a fair queue, token calls first. @default none: calls are
   * not paced, and only a 429 makes the engine wait
   */
  budget?: RateBudget | undefined;
  /** Most calls (end users' sign-ins included, token refreshes not) waiting for a permit at once; past it, `RATE_LIMITED`. @default {@link DEFAULTS}.rateLimit.maxQueued */
  maxQueued?: number | undefined;
  /** Longest single wait honoured, for a permit or a 429's `Retry-After`; longer ones fail with `RATE_LIMITED`. @default {@link DEFAULTS}.rateLimit.maxWaitMs */
  maxWaitMs?: number | undefined;
  /** Retries after 429 for one call. @default {@link DEFAULTS}.rateLimit.maxRetries */
  maxRetries?: number | undefined;
}

interface CommonOptions {
  /**
   * Zenoti API base URL: an origin, optionally with a gateway path prefix (never `…/v1`). Must be
   * https, except for loopback hosts. @default {@link DEFAULTS}.baseUrl
   */
  baseUrl?: string | undefined;
  /** Further origins (e.g. `https://api.zenoti.eu`) that may receive credentials. @default [] */
  allowedOrigins?: readonly string[] | undefined;
  /** Where token sets live. @default the process-wide MemoryTokenStore */
  store?: TokenStore | undefined;
  /** Refresh this long before the access token expires (capped at a quarter of the token's lifetime). @default {@link DEFAULTS}.refreshWindowMs */
  refreshWindowMs?: number | undefined;
  /** Time limit for one HTTP call to the token endpoint. @default {@link DEFAULTS}.timeoutMs */
  timeoutMs?: number | undefined;
  /** Retries of token-endpoint faults. */
  retry?: RetryOptions | undefined;
  /** 429 handling, or `false` to return 429 responses untouched and fail token calls at once. */
  rateLimit?: RateLimitPolicy | false | undefined;
  /** After Zenoti rejects a password, fail fast for this long instead of asking again. @default {@link DEFAULTS}.credentialsCooldownMs */
  credentialsCooldownMs?: number | undefined;
  /**
   * Whether callers await a refresh started by another caller (`true`), or wait for its result by
   * polling the store (`false`). `false` suits Cloudflare Workers, where a promise made in one
   * request is cancelled when that request ends.
   * @default {@link DEFAULTS}.shareInFlight
   */
  shareInFlight?: boolean | undefined;
  /**
   * Lets a refresh token be spent while a shared store's lock cannot be had because the store fails
   * (Redis down). Zenoti's refresh tokens work once: two processes spending one end the session, so
   * by default a refresh token is spent only under the fleet's lock. Without the lock, a live token
   * serves until it expires; then the service user signs in again with its password (a new session),
   * and an end user's calls fail with a transient `STORE` error (503) until the store answers. Set
   * `true` only where one process serves each identity (a single process, or sticky sessions).
   * @default {@link DEFAULTS}.refreshWithoutLock
   */
  refreshWithoutLock?: boolean | undefined;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** The engine clock: ms since the Unix epoch, as every time the engine reports. @default Date.now */
  now?: (() => EpochMilliseconds) | undefined;
  /** Receives every event (see `on()`); never given a secret. */
  onEvent?: ((event: ZenotiAuthEvent) => void) | undefined;
}

/** Reads the current API key, e.g. from a secrets manager. */
export type ApiKeyProvider = () => string | Promise<string>;

/** Authenticate with an API key: `Authorization: apikey <key>`. */
export interface ApiKeyOptions extends CommonOptions {
  /**
   * The API key (secret), or a provider of it: read once and cached; after a 401 with the current
   * key it is asked once for a newer one (key rotation without a restart).
   */
  apiKey: string | ApiKeyProvider;
  app?: undefined;
  user?: undefined;
}

/** Authenticate with access tokens minted for an app and, optionally, a service user. */
export interface AppOptions extends CommonOptions {
  apiKey?: undefined;
  app: ZenotiApp;
  /** A service user whose token the app manages. Without it, only end users signed in through `login()` can call. */
  user?: ZenotiUser | undefined;
}

export type ZenotiAuthOptions = ApiKeyOptions | AppOptions;

/** Every field of `T` given (an option left `undefined` gets its default). */
type Given<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/** Options after validation, with defaults applied. Internal. */
export interface ResolvedOptions {
  apiKey: string | ApiKeyProvider | undefined;
  app: Required<Omit<ZenotiApp, 'deviceId'>> & { deviceId: string | undefined };
  user: ZenotiUser | undefined;
  baseUrl: string;
  baseOrigin: string;
  allowedOrigins: ReadonlySet<string>;
  store: TokenStore | undefined;
  refreshWindowMs: number;
  timeoutMs: number;
  retry: Given<RetryOptions>;
  rateLimit: (Given<Omit<RateLimitPolicy, 'budget'>> & { budget: RateBudget | undefined }) | false;
  credentialsCooldownMs: number;
  shareInFlight: boolean;
  refreshWithoutLock: boolean;
  fetch: typeof fetch | undefined;
  now: () => number;
  onEvent: ((event: ZenotiAuthEvent) => void) | undefined;
}

/** Zenoti's API origin, the default `baseUrl`. */
export const DEFAULT_BASE_URL = DEFAULTS.baseUrl;
