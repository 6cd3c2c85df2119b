import { ZenotiAuthError } from './errors.ts';
import type { Emitter } from './events.ts';
import type { ResolvedOptions } from './options.ts';
import { type CallKind, type PermitQueue, permitQueueOf } from './permit-queue.ts';
import { readRateReport } from './rate-budget.ts';
import { parseRetryAfter } from './time.ts';

/**
 * One engine's side of Zenoti's rate limit: before a call, a permit from the rate budget (when one
 * is configured); after it, what the response says (its headers go to the budget and into a
 * `rateLimit` event, and a 429 is waited out within `maxWaitMs` and `maxRetries`, or is
 * `RATE_LIMITED`).
 */
export class RateLimits {
  readonly #o: ResolvedOptions;
  readonly #events: Emitter;
  readonly #queue: PermitQueue | undefined;

  constructor(o: ResolvedOptions, events: Emitter) {
    this.#o = o;
    this.#events = events;
    const budget = o.rateLimit === false ? undefined : o.rateLimit.budget;
    this.#queue = budget && permitQueueOf(budget);
  }

  /**
   * Waits for a permit to make one call: `undefined` when it may go at once (no budget, or one
   * with a permit left), else a promise (see `PermitQueue.acquire`).
   */
  permit(kind: CallKind, signal?: AbortSignal): Promise<void> | undefined {
    const limits = this.#o.rateLimit;
    return limits === false ? undefined : this.#queue?.acquire(kind, limits, this.#events, signal);
  }

  /**
   * Reads a response's rate-limit headers: they go to the budget, and into a `rateLimit` event when
   * Zenoti reported its budget or answered 429. Returns the wait a 429 asks for (0 otherwise).
   */
  observe(status: number, headers: Headers, retrying = false): number {
    const limited = status === 429;
    const waitMs = limited ? (parseRetryAfter(headers.get('retry-after'), this.#o.now()) ?? 1_000) : 0;
    const report = readRateReport(headers, limited ? waitMs : undefined);
    if (report) void this.#queue?.observe(report, this.#events);
    if (limited || report?.remaining !== undefined)
      this.#events.emit({
        type: 'rateLimit',
        remaining: report?.remaining,
        resetSeconds: report?.resetMs === undefined ? undefined : report.resetMs / 1_000,
        retryAfterMs: limited ? waitMs : undefined,
        retrying,
      });
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
    const asked = status === 429 ? (parseRetryAfter(headers.get('retry-after'), this.#o.now()) ?? 1_000) : 0;
    const retrying =
      status === 429 &&
      limits !== false &&
      retries < limits.maxRetries &&
      asked <= limits.maxWaitMs &&
      Date.now() + asked < deadline;
    const waitMs = this.observe(status, headers, retrying);
    if (status === 429 && !retrying)
      throw new ZenotiAuthError(
        'RATE_LIMITED',
        `Zenoti rate limit reached; retry after ${Math.ceil(waitMs / 1000)} s.`,
        {
          status: 429,
          retryAfterMs: waitMs,
        },
      );
    return waitMs;
  }
}
