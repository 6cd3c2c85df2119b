import { PACED } from './registry.ts';
import type { MaybePromise } from './types.ts';
import type { WarningListener } from './warning-route.ts';

/*
 * The rate budget as the engine sees it: what a budget is (`RateBudget`), what Zenoti reports of
 * its window (`RateReport`), and how an engine takes a budget's permits (`Permits`). The budgets
 * themselves and the fair queue of their permits are `@zenoti-auth/core/rate-budget`'s, an entry
 * of its own: an app without a budget never loads them.
 */

/**
 * What Zenoti said about the organisation's budget on one response: its rate-limit headers, read
 * by `readRateReport()`. Every field is optional: Zenoti sends them only where a limit is defined.
 */
export interface RateReport {
  /** `RateLimit-Remaining`: calls left in the current window. */
  remaining?: number | undefined;
  /** `RateLimit-Reset`, in ms: time until the window refills. */
  resetMs?: number | undefined;
  /** From `Organization-RateLimit-Limit: 60;w=60`: the calls per window (a paid tier may have more). */
  limit?: number | undefined;
  /** From `Organization-RateLimit-Limit`'s `w=`, in ms: the window's length. */
  intervalMs?: number | undefined;
  /** On a 429, `Retry-After` in ms: the whole budget pauses this long. */
  retryAfterMs?: number | undefined;
}

/**
 * Permission to make calls to Zenoti, shared by every engine (and, for shared budgets such as
 * `@zenoti-auth/redis`'s `RedisRateBudget`, every process) that holds it: one organisation, one
 * budget. Zenoti adds the whole limit back at the start of each window ("after every 1 minute, 60
 * calls are added"); a budget counts calls within the window and says how long to wait when none
 * is left.
 */
export interface RateBudget {
  /**
   * Takes one permit when the window has one left, and resolves `0`; else takes nothing and
   * resolves how many ms until the window refills. Never waits itself: queueing is the engine's.
   */
  take(): MaybePromise<number>;
  /** Follows what Zenoti reported: a window's remaining calls and reset, a new limit, a 429's pause. */
  observe(report: RateReport): MaybePromise<void>;
  /** `true` for budgets that live in this process (they answer synchronously). */
  readonly local?: boolean;
  /** The calls per window it starts from: a stand-in for it while it is unreachable starts from the same. */
  readonly limit?: number | undefined;
  /** The window's length in ms it starts from. */
  readonly intervalMs?: number | undefined;
  /**
   * How many processes share a remote budget at most: while it is unreachable, each process's
   * stand-in paces at `1 ÷ fleetSize` of the limit (and of what Zenoti reports left). @default 1
   */
  readonly fleetSize?: number | undefined;
  /**
   * The budget of one organisation: Zenoti's limit is per account, so an engine asks its budget for
   * its `app.accountName`'s (once, when it is made) and takes its permits from that. A shared budget
   * (Redis, a Durable Object) answers with a window of that account's own, so that organisations on
   * one Redis never spend each other's. Without it (`MemoryRateBudget`), every engine that holds the
   * budget shares its one window: give each organisation its own.
   */
  forAccount?(accountName: string): RateBudget;
  /**
   * Optional: lets the engines that use the budget tell its warnings as `warning` events
   * (`source: 'budget'`), as `TokenStore.addWarningListener` does for a store (`WarningRoute`).
   */
  addWarningListener?(listener: WarningListener): void;
}

/**
 * What a call is, for its place in the queue. `token`: a refresh, or the service user's own grant;
 * they go first: without a token no call can be made. `sign-in`: an end user's password grant
 * (`login()`); `resource`: any other call. Sign-ins and resource calls take turns.
 */
export type CallKind = 'token' | 'sign-in' | 'resource';

export interface PermitPolicy {
  /** Longest a caller waits for a permit; past it, `RATE_LIMITED`. */
  maxWaitMs: number;
  /** Most sign-ins and resource calls waiting at once; past it, `RATE_LIMITED` at once. */
  maxQueued: number;
  /**
   * `false` where a promise dies with the request that made it (Cloudflare Workers): then no caller
   * waits on a queue another request runs (see `PermitsAlone`).
   */
  shareInFlight: boolean;
}

/** What the permits of a budget tell the engine of the caller they serve (it routes them to its events). */
export interface PermitListener {
  /** A permit was given after a wait that began at `since` (real time); `queued` callers still wait. */
  granted(since: number, queued: number): void;
  /** A warning about the budget (it fails, or answers no wait): said once per outage for the process. */
  warn(message: string): void;
}

/** How an engine takes the permits of one budget: the callers of this process in one fair queue. */
export interface Permits {
  /**
   * A permit for one call: `undefined` when it may go at once, else a promise that resolves when it
   * may go, or rejects with `RATE_LIMITED` (past `maxWaitMs` or `maxQueued`) or `ABORTED`.
   */
  acquire(
    kind: CallKind,
    policy: PermitPolicy,
    listener: PermitListener,
    signal?: AbortSignal,
  ): Promise<void> | undefined;
  /** Callers waiting now. */
  readonly queued: number;
  /** Passes what Zenoti reported to the budget. */
  observe(report: RateReport, listener: PermitListener): Promise<void>;
}

/** A budget given to `pacedBudget()`: it carries the way to its permits (see `PACED`). */
type Paced = { readonly [PACED]?: (budget: RateBudget) => Permits };

/** Whether engines can take `budget`'s permits (it was given to `pacedBudget()`). */
export function isPaced(budget: RateBudget): boolean {
  return typeof (budget as Paced)[PACED] === 'function';
}

/**
 * The permits of `budget` (`shared`, or the budget `shared.forAccount()` gave) in this process: one
 * queue per budget, shared by every engine that uses it. `shared` must be paced (`isPaced`).
 */
export function permitsOf(shared: RateBudget, budget: RateBudget): Permits {
  return ((shared as Paced)[PACED] as (budget: RateBudget) => Permits)(budget);
}

/** A number header, or `undefined`. */
function numberOf(headers: Headers, name: string): number | undefined {
  const n = Number.parseFloat(headers.get(name) ?? '');
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Reads Zenoti's rate-limit headers: `RateLimit-Remaining`, `RateLimit-Reset` (seconds),
 * `Organization-RateLimit-Limit` (`60;w=60;b=60`) and, on a 429, `Retry-After` (given in ms, as
 * the caller parsed it). `undefined` when the response says nothing about the budget.
 */
export function readRateReport(headers: Headers, retryAfterMs?: number): RateReport | undefined {
  const remaining = numberOf(headers, 'ratelimit-remaining');
  const reset = numberOf(headers, 'ratelimit-reset');
  const org = /^\s*(\d+)\s*(?:;.*?\bw\s*=\s*(\d+(?:\.\d+)?))?/i.exec(
    headers.get('organization-ratelimit-limit') ?? '',
  );
  const report: RateReport = {
    remaining,
    resetMs: reset === undefined ? undefined : reset * 1_000,
    limit: org ? Number(org[1]) : undefined,
    intervalMs: org?.[2] ? Number(org[2]) * 1_000 : undefined,
    retryAfterMs,
  };
  return Object.values(report).some((v) => v !== undefined) ? report : undefined;
}
