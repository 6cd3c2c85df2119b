import type { BadAppAnswer, LoginPolicy, RevokeAnswer } from './sign-in-types.ts';

export type * from './sign-in-types.ts';

/** Login user type of a Zenoti app and of the token it mints. */
export type UserType = 'Employee' | 'Guest';

/** A backend app registered in an organisation. */
export interface SeedApp {
  appId: string;
  appSecret: string;
  /** @default 'Employee' */
  userType?: UserType;
}

/** A user who can log in through `POST /v1/tokens`. */
export interface SeedUser {
  username: string;
  password: string;
  /** Security role, informational. @default 'Administrator' for employees, 'Guest' for guests */
  role?: string;
  /** @default 'Employee' */
  userType?: UserType;
  /** For guests: the id of the guest record this login owns (a guest token reads only this record). */
  guestId?: string;
  /** What the token answers' `login_policy_evaluation` says for this user. @default none (Zenoti's sample) */
  loginPolicy?: LoginPolicy;
}

/** One Zenoti organisation (an `account_name`). */
export interface SeedOrganization {
  accountName: string;
  apiKeys?: string[];
  apps?: SeedApp[];
  users?: SeedUser[];
}

/** What the mock knows at start-up. Also the format of `--seed file.json`. */
export interface MockSeed {
  organizations: SeedOrganization[];
}

/** How the rate limit counts calls. */
export type RateLimitMode = 'window' | 'bucket';

/**
 * A limit of its own for some paths (Zenoti's per-API limit, `Api-RateLimit-Limit`). It counts the
 * same way as the organisation's limit (`mode`) and on top of it: a call needs room in both.
 */
export interface ApiRateLimit {
  /**
   * Path prefix, compared case-insensitively segment by segment; a segment `*` matches any one
   * segment. `'/v1/guests'` covers `/v1/guests/search` and `/v1/guests/{id}`.
   */
  path: string;
  /** Calls per window. */
  limit: number;
  /** Window in seconds; fractions allowed (`0.5`). */
  windowSeconds: number;
}

/** Rate limit per organisation, as Zenoti's `Organization-RateLimit-Limit: 60;w=60;b=60`. */
export interface RateLimitOptions {
  /**
   * `'window'`: all `limit` calls come back at once when a window ends (a window starts at the first
   * call counted after the previous one ended). `'bucket'`: `limit` calls refill continuously over
   * `windowSeconds`, up to `burst`. @default 'window'
   */
  mode?: RateLimitMode;
  /** Calls per window (a whole number in window mode). @default 60 */
  limit: number;
  /** Window in seconds; fractions allowed (`0.5`). @default 60 */
  windowSeconds: number;
  /** Bucket capacity, bucket mode only. @default limit */
  burst?: number;
  /** Per-API limits; the first entry whose `path` matches applies. @default [] */
  apis?: ApiRateLimit[];
}

/** Zenoti's account lockout: too many rejected passwords lock a user's login for a while. */
export interface LockoutOptions {
  /** Rejected passwords within `windowMs` that lock the login (Zenoti's default). @default 5 */
  attempts?: number;
  /** How far back rejected passwords count. @default 900_000 (15 min) */
  windowMs?: number;
  /** How long a login stays locked, on the mock's clock. @default 900_000 (15 min) */
  unlockAfterMs?: number;
}

/** Where a user's login stands with the lockout. */
export interface LockoutStatus {
  locked: boolean;
  /** When the lock ends (ms since epoch, mock clock), or `null` when not locked. */
  lockedUntil: number | null;
  /** Rejected passwords still counting towards a lock (within `windowMs`); 0 while locked. */
  failedAttempts: number;
}

export interface MockZenotiOptions {
  /** Organisations, apps, users and keys. @default DEMO_SEED */
  seed?: MockSeed;
  /** Lifetime of access tokens. @default 86_400_000 (24 h) */
  accessTokenTtlMs?: number;
  /** Lifetime of refresh tokens. @default 7_776_000_000 (90 days) */
  refreshTokenTtlMs?: number;
  /** Per-organisation rate limit, or `false` for none. @default { mode: 'window', limit: 60, windowSeconds: 60 } */
  rateLimit?: RateLimitOptions | false;
  /** Lock a user's login after repeated rejected passwords, or `false` for never. @default { attempts: 5, windowMs: 900_000, unlockAfterMs: 900_000 } */
  lockout?: LockoutOptions | false;
  /** Require the documented lower-case `apikey`/`bearer` scheme words. @default false */
  strictScheme?: boolean;
  /** Added latency before every answer. @default 0 */
  latencyMs?: number;
  /** Clock. `control.advanceTime()` adds to it. @default Date.now */
  now?: () => number;
  /** Mount the HTTP control routes under `/__mock` and the live page at `/_mock/`. @default false */
  controlRoutes?: boolean;
  /** One line per request (method, path without query, status, ms) — never a secret. @default false */
  log?: boolean | ((line: string) => void);
  /** How long a rotated API key keeps working. @default 604_800_000 (7 days) */
  apiKeyRotationGraceMs?: number;
  /** How a successful revoke is answered. @default 'json' */
  revokeAnswer?: RevokeAnswer;
  /** How a password grant with a wrong app secret or unknown app id is answered. @default '401' */
  badAppAnswer?: BadAppAnswer;
  /** Refresh grants evaluate the user's login policy too (`false`: they always allow). @default true */
  loginPolicyOnRefresh?: boolean;
  /**
   * What a refresh token sent a second time does. `'reject'`: it is answered 401, as any dead refresh
   * token. `'end-session'`: its whole session ends too (every access and refresh token issued since
   * the sign-in it descends from), as OAuth providers commonly do on reuse; Zenoti does not document
   * which it does, so fleet tests use the worse one. Both count `token.refreshReused`. @default 'reject'
   */
  refreshReuse?: RefreshReuse;
}

/** See `MockZenotiOptions.refreshReuse`. */
export type RefreshReuse = 'reject' | 'end-session';

export interface StartMockZenotiOptions extends MockZenotiOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  hostname?: string;
}

/** Which calls a fault or latency applies to. */
export type MockEndpoint = 'token' | 'revoke' | 'resource' | 'any';

export type MockFault =
  /** Answer with this status (500, 502, 503, 401 …) and a JSON error body unless `body` is given. */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Never answer: hold the request until the client gives up or the server closes. */
  | { kind: 'hang' }
  /** Destroy the connection without answering. */
  | { kind: 'drop' }
  /** Answer with exactly this body (HTML, truncated JSON, wrong types …). @default status 200, content type application/json */
  | { kind: 'raw'; status?: number; contentType?: string; body: string };

/** Outcome counts of one grant type on `POST /v1/tokens`. */
export interface GrantCounters {
  /** Tokens issued. */
  ok: number;
  /** 401: wrong credentials, unknown account or app, used/expired/revoked refresh token. */
  rejected: number;
  /** 400: malformed request. */
  invalid: number;
  /** 200 with `credentials: null`: the user's login policy says `allowLogin: false`. */
  blocked: number;
}

export interface MockCounters {
  token: {
    /** Every request that reached `POST /v1/tokens`, whatever happened to it. */
    total: number;
    password: GrantCounters;
    refresh: GrantCounters;
    /** Answered by an injected fault. */
    faulted: number;
    /** Answered 429. */
    rateLimited: number;
    /** How many times a user's login got locked. */
    lockouts: number;
    /** Password grants answered with the lockout error (also counted in `password.rejected`). */
    lockedOut: number;
    /**
     * Refresh grants with a refresh token that had already been used once (also counted in
     * `refresh.rejected`). Zenoti's refresh tokens work once: a well-behaved fleet sends each one once.
     */
    refreshReused: number;
    /** Sessions ended because one of their refresh tokens was reused (`refreshReuse: 'end-session'`). */
    sessionsEnded: number;
  };
  /** `rateLimited`: revokes answered 429 (also counted in `total`). */
  revoke: { total: number; ok: number; rejected: number; faulted: number; rateLimited: number };
  resources: {
    total: number;
    /** Count of answers by HTTP status, e.g. `{ "200": 12, "401": 1 }`. */
    byStatus: Record<string, number>;
    faulted: number;
    /**
     * Answered 401 because the bearer token sent was not live: expired, killed by a refresh or a
     * revoke, or never issued. A request sent with a token its client should have known was dead.
     */
    deadToken: number;
  };
}

/** One request as the mock saw it. Credentials appear only as scheme plus a fingerprint. */
export interface RecordedRequest {
  /** When the answer was sent, on the mock's clock (ms since epoch). */
  at: number;
  method: string;
  /** Path without query string. */
  path: string;
  status: number;
  /** e.g. `"apikey …ab68"`, `"bearer …9f0c"`, or undefined when none was sent. */
  authorization?: string;
  /** Lower-cased names of every request header received. */
  headerNames: string[];
}

/** Test and demo controls. Every method is also reachable over HTTP when `controlRoutes` is on. */
export interface MockControl {
  /** A snapshot of the counters. */
  counters(): MockCounters;
  resetCounters(): void;
  /** Back to the seed: tokens, passwords, keys, faults, latency, TTLs, clock offset and counters. */
  reset(): void;
  /** Change a user's password; every token of that user dies (Zenoti's documented rule). */
  setPassword(accountName: string, username: string, password: string): void;
  addUser(accountName: string, user: SeedUser): void;
  /** Remove a user (an employee leaving); their tokens die. */
  removeUser(accountName: string, username: string): void;
  /** Set (`false`/`null`: clear) the login policy the user's token answers carry. Their tokens live on. */
  setLoginPolicy(accountName: string, username: string, policy: LoginPolicy | false | null): void;
  /** Whether refresh grants evaluate the login policy too. */
  setLoginPolicyOnRefresh(on: boolean): void;
  /** What a reused refresh token does (`MockZenotiOptions.refreshReuse`). */
  setRefreshReuse(mode: RefreshReuse): void;
  setRevokeAnswer(answer: RevokeAnswer): void;
  setBadAppAnswer(answer: BadAppAnswer): void;
  /** Issue a new key; the old one keeps working for `apiKeyRotationGraceMs`. Returns the new key. */
  rotateApiKey(accountName: string, oldKey: string): string;
  revokeApiKey(key: string): void;
  setAccessTokenTtl(ms: number): void;
  setRefreshTokenTtl(ms: number): void;
  /** Expire every live access token now (refresh tokens stay valid). */
  expireAccessTokens(): void;
  setLatency(ms: number, endpoint?: MockEndpoint): void;
  /** New rate limits; every window and bucket starts full. */
  setRateLimit(rateLimit: RateLimitOptions | false): void;
  /** New lockout rules (`false` = off); every lock and failed-attempt count is cleared. */
  setLockout(lockout: LockoutOptions | false): void;
  /** Where a user's login stands with the lockout. */
  lockoutStatus(accountName: string, username: string): LockoutStatus;
  /** Lift a user's lock (an administrator's unlock) and forget their rejected attempts. */
  unlockUser(accountName: string, username: string): void;
  /** The next `times` calls to `endpoint` get `fault`. */
  injectFault(endpoint: MockEndpoint, fault: MockFault, times?: number): void;
  clearFaults(): void;
  /** Move the mock's clock forward. */
  advanceTime(ms: number): void;
  /** The mock's current time (ms since epoch). */
  now(): number;
  /** The last 1,000 requests, oldest first. */
  requests(): RecordedRequest[];
}
