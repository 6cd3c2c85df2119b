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
  readonly #name: string;
  readonly #call: Call;
  readonly #defaults: { limit: number; intervalMs: number };

  constructor(options: DurableObjectRateBudgetOptions) {
    const { namespace, name, limit, intervalMs, callTimeoutMs } = resolveBudgetOptions(options);
    this.#name = name;
    this.#call = caller(namespace, callTimeoutMs);
    this.#defaults = { limit, intervalMs: Math.round(intervalMs) };
  }

  async take(): Promise<number> {
    return (await this.#call(this.#name, { op: 'take', ...this.#defaults })).waitMs;
  }

  async observe(report: RateReport): Promise<void> {
    const { remaining, resetMs, limit, intervalMs, retryAfterMs } = report;
    await this.#call(this.#name, {
      op: 'observe',
      ...this.#defaults,
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
    return { type: 'DurableObjectRateBudget', name: this.#name, ...this.#defaults };
  }
}
