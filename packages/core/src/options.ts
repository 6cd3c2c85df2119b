import type { ZenotiAuthEvent } from './events.ts';
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
  deviceId?: string;
}

/** A Zenoti login: an employee or a guest. */
export interface ZenotiUser {
  username: string;
  /** (secret) */
  password: string;
}

/** Retries of token-endpoint faults (5xx, timeouts, dropped connections) with full-jitter backoff. */
export interface RetryOptions {
  /** Further attempts after the first. @default 3 */
  retries?: number;
  /** Base delay of the backoff. @default 200 */
  minDelayMs?: number;
  /** Largest single delay. @default 5_000 */
  maxDelayMs?: number;
  /** Time limit for one token acquisition, all attempts and waits included. @default 30_000 */
  deadlineMs?: number;
}

/** How `fetch()` and token calls answer `429 Too Many Requests`. */
export interface RateLimitPolicy {
  /** Longest single `Retry-After` wait honoured; longer ones fail with `RATE_LIMITED`. @default 10_000 */
  maxWaitMs?: number;
  /** Retries after 429 for one call. @default 2 */
  maxRetries?: number;
}

interface CommonOptions {
  /** Zenoti API base URL. Must be https, except for loopback hosts. @default 'https://api.zenoti.com' */
  baseUrl?: string;
  /** Further origins (e.g. `https://api.zenoti.eu`) that may receive credentials. @default [] */
  allowedOrigins?: readonly string[];
  /** Where token sets live. @default the process-wide MemoryTokenStore */
  store?: TokenStore;
  /** Refresh this long before the access token expires (capped at a quarter of the token's lifetime). @default 300_000 */
  refreshWindowMs?: number;
  /** Time limit for one HTTP call to the token endpoint. @default 10_000 */
  timeoutMs?: number;
  /** Retries of token-endpoint faults. */
  retry?: RetryOptions;
  /** 429 handling, or `false` to return 429 responses untouched and fail token calls at once. */
  rateLimit?: RateLimitPolicy | false;
  /** After Zenoti rejects a password, fail fast for this long instead of asking again. @default 60_000 */
  credentialsCooldownMs?: number;
  /**
   * Whether callers await a refresh started by another caller (`true`), or wait for its result by
   * polling the store (`false`). Use `false` on Cloudflare Workers, where a promise made in one
   * request is cancelled when that request ends (the Hono adapter does this by itself there).
   * @default true
   */
  shareInFlight?: boolean;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Clock, ms since epoch. @default Date.now */
  now?: () => number;
  /** Receives every event (see `on()`); never given a secret. */
  onEvent?: (event: ZenotiAuthEvent) => void;
}

/** Authenticate with an API key: `Authorization: apikey <key>`. */
export interface ApiKeyOptions extends CommonOptions {
  /** The API key (secret). */
  apiKey: string;
  app?: never;
  user?: never;
}

/** Authenticate with access tokens minted for an app and, optionally, a service user. */
export interface AppOptions extends CommonOptions {
  apiKey?: never;
  app: ZenotiApp;
  /** A service user whose token the app manages. Without it, only end users signed in through `login()` can call. */
  user?: ZenotiUser;
}

export type ZenotiAuthOptions = ApiKeyOptions | AppOptions;

/** Options after validation, with defaults applied. Internal. */
export interface ResolvedOptions {
  apiKey: string | undefined;
  app: Required<Omit<ZenotiApp, 'deviceId'>> & { deviceId: string | undefined };
  user: ZenotiUser | undefined;
  baseUrl: string;
  baseOrigin: string;
  allowedOrigins: ReadonlySet<string>;
  store: TokenStore | undefined;
  refreshWindowMs: number;
  timeoutMs: number;
  retry: Required<RetryOptions>;
  rateLimit: Required<RateLimitPolicy> | false;
  credentialsCooldownMs: number;
  shareInFlight: boolean;
  fetch: typeof fetch | undefined;
  now: () => number;
  onEvent: ((event: ZenotiAuthEvent) => void) | undefined;
}

export const DEFAULT_BASE_URL = 'https://api.zenoti.com';
