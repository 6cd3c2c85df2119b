import type { MockCounters, RateLimitMode } from './types.ts';

/** One rate-limit level of one organisation on the live page, read without counting a call. */
export interface MockLiveWindow {
  accountName: string;
  /** `'organization'`, or the path of a per-API limit. */
  level: string;
  mode: RateLimitMode;
  /** Calls the level holds when full: the limit (a bucket's burst). */
  limit: number;
  /** `limit - remaining`. */
  used: number;
  /** What `RateLimit-Remaining` would say to the next call. */
  remaining: number;
  /** Seconds until the level is full again (`RateLimit-Reset`). */
  resetSeconds: number;
}

/** A request on the live page: never a header value but the redacted authorization, never a body. */
export interface MockLiveRequest {
  /** When the answer was sent, on the mock's clock (ms since epoch). */
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** `0` when no answer was sent (hang, drop). */
  status: number;
  /** The scheme and the credential's last 4 characters (`bearer …a1b2`), or absent. */
  authorization?: string;
}

/** `GET /_mock/state.json`: what the live page at `/_mock/` shows. */
export interface MockLiveState {
  /** The mock's clock (ms since epoch). */
  now: number;
  /** Every organisation's levels; `[]` when rate limiting is off. */
  windows: MockLiveWindow[];
  /** The same numbers as `control.counters()` / `GET /__mock/counters`. */
  counters: MockCounters;
  summary: {
    /** Every 429: `token.rateLimited + revoke.rateLimited + resources.byStatus['429']`. */
    rateLimited: number;
    /** Every faulted answer: `token.faulted + revoke.faulted + resources.faulted`. */
    faulted: number;
  };
  /** The last 50 requests, newest first. */
  requests: MockLiveRequest[];
}
