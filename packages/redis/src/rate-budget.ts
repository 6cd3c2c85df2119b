import { type RateBudget, type RateReport, type WarningListener, WarningRoute } from '@zenoti-auth/core';
import { pacedBudget } from '@zenoti-auth/core/rate-budget';
import { type RedisRateBudgetOptions, resolveBudgetOptions } from './budget-options.ts';
import { OBSERVE, TAKE } from './budget-scripts.ts';
import { type Send, sender } from './client.ts';
import { clientJSON, type Link, openLink } from './link.ts';

export type { RedisRateBudgetOptions } from './budget-options.ts';

/** A finite number as a script argument, else '' (not reported). */
const text = (value: number | undefined): string =>
  typeof value === 'number' && Number.isFinite(value) ? String(Math.round(value)) : '';

/** Most organisations whose budgets one `RedisRateBudget` keeps at hand (their state is in Redis). */
const MAX_ACCOUNTS = 1_000;

/**
 * A rate budget shared by every process that uses the same Redis and prefix (core's `RateBudget`),
 * one for each organisation: Zenoti's limit is per account, so each engine takes its permits from
 * its account's hash, `<prefix>rate-budget:<account>` (see `forAccount`). Atomic in Redis (Lua); the
 * window is Zenoti's (the whole limit back at each window's end), on Redis' clock. When Redis
 * fails, the engine paces in-process and says so once (a `warning` event), then comes back to the
 * shared budget.
 */
export class RedisRateBudget implements RateBudget {
  readonly #link: Link;
  readonly #send: Send;
  readonly #prefix: string;
  /** The configured account, lower-cased ('' when each engine brings its own). */
  readonly #account: string;
  readonly #defaults: [string, string];
  /** Where the warnings go: `onWarning`, else the engines that use the budget (see `addWarningListener`). */
  readonly #warnings: WarningRoute;
  /** The budgets of the accounts engines asked for. */
  readonly #accounts = new Map<string, RateBudget>();
  /** The limit it starts from (core's stand-in during an outage starts from it too). */
  readonly limit: number;
  readonly intervalMs: number;
  /** How many processes share it at most: each paces at `limit ÷ fleetSize` while it is unreachable. */
  readonly fleetSize: number;

  constructor(options: RedisRateBudgetOptions) {
    const o = resolveBudgetOptions(options);
    this.#warnings = new WarningRoute(o.onWarning);
    this.#link = openLink(o.client, (message, level) => this.#warnings.warn(message, level));
    this.#send = sender(this.#link, o.commandTimeoutMs).send;
    this.#prefix = o.prefix;
    this.#account = o.account.toLowerCase();
    this.#defaults = [String(o.limit), String(Math.round(o.intervalMs))];
    this.limit = o.limit;
    this.intervalMs = o.intervalMs;
    this.fleetSize = o.fleetSize;
    // Engines take its permits through core's fair queue (`@zenoti-auth/core/rate-budget`).
    pacedBudget(this);
  }

  /** The hash of `account`'s window; `<prefix>rate-budget` for none (an API key's engine, a direct call). */
  #keyOf(account: string): string {
    return `${this.#prefix}rate-budget${account && `:${account}`}`;
  }

  /** A permit of the configured account's window (`<prefix>rate-budget` without `account`). */
  take(): Promise<number> {
    return this.#take(this.#account);
  }

  /** Follows Zenoti's report in the configured account's window. */
  observe(report: RateReport): Promise<void> {
    return this.#observe(this.#account, report);
  }

  /**
   * The budget of the engine's organisation (core asks once per engine): its own window, so that
   * organisations on one Redis and prefix never spend each other's. With `account` configured, this
   * budget itself, whichever engine asks: an engine of another account is warned about (the two
   * organisations then share one window).
   */
  forAccount(accountName: string): RateBudget {
    const account = String(accountName).toLowerCase();
    const known = this.#accounts.get(account);
    if (known) return known;
    let budget: RateBudget;
    if (this.#accounts.size >= MAX_ACCOUNTS) this.#accounts.clear();
    if (this.#account) {
      budget = this;
      if (account !== this.#account)
        this.#warnings.warn(
          `[@zenoti-auth/redis] The RedisRateBudget of account "${this.#account}" paces account "${account}" too: two organisations, one window.`,
        );
    } else {
      const { limit, intervalMs, fleetSize } = this;
      budget = {
        local: false,
        limit,
        intervalMs,
        fleetSize,
        take: () => this.#take(account),
        observe: (report: RateReport) => this.#observe(account, report),
        toJSON: () => ({ ...this.toJSON(), key: this.#keyOf(account) }),
      } as RateBudget;
    }
    this.#accounts.set(account, budget);
    return budget;
  }

  async #take(account: string): Promise<number> {
    return Number(await this.#send(['EVAL', TAKE, '1', this.#keyOf(account), ...this.#defaults, account]));
  }

  async #observe(account: string, report: RateReport): Promise<void> {
    const { remaining, resetMs, limit, intervalMs, retryAfterMs } = report;
    await this.#send([
      'EVAL',
      OBSERVE,
      '1',
      this.#keyOf(account),
      ...this.#defaults,
      account,
      text(remaining),
      text(resetMs),
      text(limit),
      text(intervalMs),
      text(retryAfterMs),
    ]);
  }

  /** For the engines that use the budget: its warnings go to the first that listens (see `RedisTokenStore`). */
  addWarningListener(listener: WarningListener): void {
    this.#warnings.add(listener);
  }

  /** Closes the client when the budget opened it from a URL. A `client` you passed stays open. */
  close(): Promise<void> {
    return this.#link.close();
  }

  /** Safe to log: never the URL. */
  toJSON(): Record<string, unknown> {
    return {
      type: 'RedisRateBudget',
      key: this.#keyOf(this.#account),
      fleetSize: this.fleetSize,
      ...clientJSON(this.#link),
    };
  }
}
