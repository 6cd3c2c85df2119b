import { invalidOption } from '../errors.ts';
import type { RateBudget, RateReport } from '../rate-budget.ts';
import { pacedBudget } from './paced-budget.ts';

export interface MemoryRateBudgetOptions {
  /** Calls per window. @default 60 (Zenoti's standard organisation limit) */
  limit?: number | undefined;
  /** The window's length in ms. @default 60_000 */
  intervalMs?: number | undefined;
  /** Clock, ms since epoch. @default Date.now */
  now?: (() => number) | undefined;
  /**
   * The share of the organisation's limit this budget may use, for a process that paces alone
   * beside others (a shared budget's stand-in): `limit × share` per window, and that share of what
   * Zenoti reports left. @default 1
   */
  share?: number | undefined;
}

/** Two window ends within this much of each other are taken as the same window. */
const SAME_WINDOW_MS = 1_000;

/** A day: a longer window is surely a unit mistake (seconds for milliseconds…). Zenoti's is a minute. */
const DAY_MS = 86_400_000;

/** Checks a budget option: `INVALID_OPTIONS` naming it when `test` fails (a number is shown). */
function check(field: string, value: unknown, test: boolean, expected: string): void {
  if (!test)
    throw invalidOption(
      'core',
      field,
      `of MemoryRateBudget must be ${expected}${typeof value === 'number' ? `, got ${value}` : ''}`,
    );
}

/**
 * A rate budget for one process: `limit` calls per window of `intervalMs`, the window starting
 * with its first call, the whole limit back when it ends (Zenoti's documented window, not a
 * continuous refill). It follows Zenoti's headers: a higher limit announced in
 * `Organization-RateLimit-Limit` is used, a window Zenoti reports replaces its own count, and a
 * 429's `Retry-After` spends the window until then.
 */
export class MemoryRateBudget implements RateBudget {
  readonly local = true;
  #limit: number;
  #intervalMs: number;
  readonly #now: () => number;
  /** When the current window ends (0: no window yet). */
  #windowEnd = 0;
  /** Calls taken in the current window. */
  #used = 0;
  /** Whether `#windowEnd` came from Zenoti's report (else it is this budget's own guess). */
  #reported = false;
  readonly #share: number;

  constructor(options: MemoryRateBudgetOptions = {}) {
    pacedBudget(this);
    const { limit = 60, intervalMs = 60_000, now = Date.now, share = 1 } = options;
    check('limit', limit, Number.isSafeInteger(limit) && limit >= 1, 'a whole number > 0');
    check(
      'intervalMs',
      intervalMs,
      intervalMs > 0 && intervalMs <= DAY_MS,
      `a number of ms > 0 and ≤ ${DAY_MS}`,
    );
    check('share', share, share > 0 && share <= 1, 'a number > 0 and ≤ 1');
    check('now', now, typeof now === 'function', 'a function');
    this.#share = share;
    this.#limit = limit;
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  take(): number {
    const now = this.#now();
    if (now >= this.#windowEnd) {
      this.#windowEnd = now + this.#intervalMs;
      this.#used = 0;
      this.#reported = false;
    }
    if (this.#used >= this.#permits) return this.#windowEnd - now;
    this.#used++;
    return 0;
  }

  /** Permits per window: the limit, or this budget's share of it (at least one). */
  get #permits(): number {
    return Math.max(1, Math.floor(this.#limit * this.#share));
  }

  observe(report: RateReport): void {
    const now = this.#now();
    if (report.limit !== undefined && report.limit >= 1) this.#limit = Math.floor(report.limit);
    if (report.intervalMs !== undefined && report.intervalMs > 0) this.#intervalMs = report.intervalMs;
    const { remaining, resetMs, retryAfterMs } = report;
    if (remaining !== undefined && resetMs !== undefined) {
      const reportedEnd = now + resetMs;
      // With a share, what is left of the organisation's window is shared alike.
      const spent = Math.max(0, this.#permits - Math.floor(remaining * this.#share));
      // Zenoti's window is the truth, and each report's end is never before it: Reset is whole
      // seconds rounded up, and counted from when the answer arrived. Within the same window the
      // earliest reported end is the closest (this budget's own guess gives way to any report), and
      // the higher count stands: calls of ours in flight when Zenoti counted may make ours higher.
      if (Math.abs(reportedEnd - this.#windowEnd) > SAME_WINDOW_MS) {
        this.#windowEnd = reportedEnd;
        this.#used = spent;
      } else {
        this.#windowEnd = this.#reported ? Math.min(this.#windowEnd, reportedEnd) : reportedEnd;
        this.#used = Math.max(this.#used, spent);
      }
      this.#reported = true;
    }
    if (retryAfterMs !== undefined) {
      // A 429: Zenoti's window is spent until Retry-After, when the whole limit comes back.
      this.#windowEnd = now + retryAfterMs;
      this.#used = this.#permits;
      this.#reported = true;
    }
  }

  /** Safe to log. */
  toJSON(): Record<string, unknown> {
    return {
      type: 'MemoryRateBudget',
      limit: this.#limit,
      intervalMs: this.#intervalMs,
      ...(this.#share === 1 ? {} : { share: this.#share }),
    };
  }
}
