import type { RateBudget, RateReport } from '@zenoti-auth/core';
import { type DurableObjectRateBudgetOptions, resolveBudgetOptions } from './options.ts';
import { type Call, caller } from './protocol.ts';

/** A finite number, or `undefined` (JSON has no place for the rest). */
const finite = (value: number | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * Core's `RateBudget` on one Durable Object (`ZenotiAuthObject`): every isolate of the deployment
 * takes its permits from the same window, so the fleet is one client toward Zenoti's organisation
 * limit. The window is Zenoti's (the whole limit back when it ends), on the object's clock, and
 * follows what Zenoti reports (a higher limit, the window's count, a 429's `Retry-After`). When the
 * object cannot be reached, the engine paces in-process and says so once (a `warning` event).
 *
 * @example
 * const budget = new DurableObjectRateBudget({ namespace: env.ZENOTI_AUTH });
 * const zenoti = new ZenotiAuth({ app, user, store, rateLimit: { budget } });
 */
export class DurableObjectRateBudget implements RateBudget {
  readonly local = false;
  /** The limit it starts from (core's stand-in while the object is unreachable starts from it too). */
  readonly limit: number;
  /** The window's length in ms it starts from. */
  readonly intervalMs: number;
  readonly #name: string;
  readonly #call: Call;

  constructor(options: DurableObjectRateBudgetOptions) {
    const { namespace, name, limit, intervalMs, callTimeoutMs } = resolveBudgetOptions(options);
    this.#name = name;
    this.#call = caller(namespace, callTimeoutMs);
    this.limit = limit;
    this.intervalMs = Math.round(intervalMs);
  }

  async take(): Promise<number> {
    const { limit, intervalMs } = this;
    return (await this.#call(this.#name, { op: 'take', limit, intervalMs })).waitMs;
  }

  async observe(report: RateReport): Promise<void> {
    const { remaining, resetMs, limit, intervalMs, retryAfterMs } = report;
    await this.#call(this.#name, {
      op: 'observe',
      limit: this.limit,
      intervalMs: this.intervalMs,
      report: {
        remaining: finite(remaining),
        resetMs: finite(resetMs),
        limit: finite(limit),
        intervalMs: finite(intervalMs),
        retryAfterMs: finite(retryAfterMs),
      },
    });
  }

  /** Safe to log (also what makes two budgets of one name the same in an engine cache). */
  toJSON(): Record<string, unknown> {
    return {
      type: 'DurableObjectRateBudget',
      name: this.#name,
      limit: this.limit,
      intervalMs: this.intervalMs,
    };
  }
}
