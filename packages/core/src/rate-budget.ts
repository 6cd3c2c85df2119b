import { invalidOption } from './errors.ts';
import type { MaybePromise } from './types.ts';
import type { WarningListener } from './warning-route.ts';

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
