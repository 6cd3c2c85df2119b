import type { Emitter } from './events.ts';
import type { ResolvedOptions } from './options.ts';
import {
  type CallKind,
  type PermitListener,
  type PermitPolicy,
  type Permits,
  permitsOf,
  type RateBudget,
  readRateReport,
} from './rate-budget.ts';
import { rateLimited } from './rate-limited.ts';
import { instrumentation } from './telemetry.ts';
import { parseRetryAfter } from './time.ts';
import { type WarningListener, warningListener, warningRouteOf } from './warning-route.ts';

/**
 * One engine's side of Zenoti's rate limit: before a call, a permit from the rate budget (when one
 * is configured); after it, what the response says (its headers go to the budget and into a
 * `rateLimit` event, and a 429 is waited out within `maxWaitMs` and `maxRetries`, or is
 * `RATE_LIMITED`).
 */
export class RateLimits {
  readonly #o: ResolvedOptions;
  readonly #events: Emitter;
  readonly #queue: Permits | undefined;
  /** What the budget's permits tell this engine (see `listenerOf`). */
  readonly #listener: PermitListener | undefined;
  readonly #policy: PermitPolicy | undefined;
  /** How this engine hears the warnings about its budget (routes hold it weakly: kept here). */
  readonly #hearing: WarningListener;
  /** What Zenoti last said of its window: calls left and when it ends (real time), for `healthOf()`. */
  window: { remaining: number; end: number } | undefined;

  constructor(o: ResolvedOptions, events: Emitter) {
    this.#o = o;
    this.#events = events;
    const shared = o.rateLimit === false ? undefined : o.rateLimit.budget;
    this.#hearing = warningListener(events, 'budget');
    // Before `forAccount`, which may warn (two organisations on one budget).
    shared?.addWarningListener?.(this.#hearing);
    // Zenoti's limit is per organisation: a budget that keeps organisations apart gives this
    // engine its account's window (an API key names no account: the budget's own window).
    const budget = o.app.accountName && shared?.forAccount ? shared.forAccount(o.app.accountName) : shared;
    this.#queue = shared && budget && permitsOf(shared, budget);
    this.#listener = budget && listenerOf(events, budget);
    if (budget) warningRouteOf(budget).add(this.#hearing);
    this.#policy = o.rateLimit === false ? undefined : { ...o.rateLimit, shareInFlight: o.shareInFlight };
  }

  /**
   * Waits for a permit to make one call: `undefined` when it may go at once (no budget, or one
   * with a permit left), else a promise (see `PermitQueue.acquire`).
   */
  permit(kind: CallKind, signal?: AbortSignal): Promise<void> | undefined {
    const policy = this.#policy;
    return policy && this.#queue?.acquire(kind, policy, this.#listener as PermitListener, signal);
  }

  /** Calls of this process waiting for a permit of the rate budget now. */
  get queued(): number {
    return this.#queue?.queued ?? 0;
  }

  /**
   * Reads a response's rate-limit headers: they go to the budget, and into a `rateLimit` event when
   * Zenoti reported its budget or answered 429. Returns the wait a 429 asks for (0 otherwise).
   */
  observe(status: number, headers: Headers): number {
    const waitMs = this.#retryAfter(status, headers);
    this.#report(status, headers, waitMs, false);
    return waitMs;
  }

  /**
   * After a response of `fetch()` or the token endpoint: for a 429, how long to wait before the
   * retry, or `RATE_LIMITED` when the wait is past `maxWaitMs`, `maxRetries` or `deadline` (real
   * time); else 0.
   */
  afterResponse(response: Response, retries: number, deadline = Number.POSITIVE_INFINITY): number {
    const { status, headers } = response;
    const limits = this.#o.rateLimit;
    const waitMs = this.#retryAfter(status, headers);
    const retrying =
      status === 429 &&
      limits !== false &&
      retries < limits.maxRetries &&
      waitMs <= limits.maxWaitMs &&
      Date.now() + waitMs < deadline;
    this.#report(status, headers, waitMs, retrying);
    if (status === 429 && !retrying) throw rateLimited(waitMs);
    return waitMs;
  }

  /** The wait a 429 asks for (`Retry-After`, 1 s when unreadable); 0 for any other answer. */
  #retryAfter(status: number, headers: Headers): number {
    return status === 429 ? (parseRetryAfter(headers.get('retry-after'), this.#o.now()) ?? 1_000) : 0;
  }

  #report(status: number, headers: Headers, waitMs: number, retrying: boolean): void {
    const limited = status === 429;
    // Nothing to tell: no budget to follow and nothing reported (the usual answer on a hot path).
    if (!limited && this.#queue === undefined && !headers.has('ratelimit-remaining')) return;
    const report = readRateReport(headers, limited ? waitMs : undefined);
    if (report) void this.#queue?.observe(report, this.#listener as PermitListener);
    instrumentation()?.rateLimit(report?.remaining, limited, this.#o.app.accountName);
    // A 429: nothing left until Retry-After.
    const [remaining, resetMs] = limited ? [0, waitMs] : [report?.remaining, report?.resetMs];
    if (remaining !== undefined && resetMs !== undefined)
      this.window = { remaining, end: Date.now() + resetMs };
    if (limited || report?.remaining !== undefined)
      this.#events.emit({
        type: 'rateLimit',
        remaining: report?.remaining,
        resetSeconds: report?.resetMs === undefined ? undefined : report.resetMs / 1_000,
        retryAfterMs: limited ? waitMs : undefined,
        retrying,
      });
  }
}

/**
 * How the permits of `budget` reach an engine's listeners: a permit given after a wait as a
 * `rateLimit` event; a warning about the budget as a `warning` event, else (this engine has no
 * listener for it) to another engine of the process that uses the budget, else the console.
 */
export function listenerOf(events: Emitter, budget: RateBudget): PermitListener {
  return {
    granted(since, queued) {
      events.emit({
        type: 'rateLimit',
        remaining: undefined,
        resetSeconds: undefined,
        retryAfterMs: undefined,
        retrying: false,
        queued,
        waitedMs: Date.now() - since,
      });
    },
    warn(message) {
      if (!events.emit({ type: 'warning', message, source: 'budget', level: 'warn' }))
        warningRouteOf(budget).warn(message);
    },
  };
}
