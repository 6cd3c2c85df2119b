import { type RateBudget, type RateReport, type WarningListener, WarningRoute } from '@zenoti-auth/core';
import { pacedBudget } from '@zenoti-auth/core/rate-budget';
import { TAG } from './errors.ts';
import {
  type DurableObjectRateBudgetOptions,
  type ResolvedBudgetOptions,
  resolveBudgetOptions,
} from './options.ts';
import { type Call, caller } from './protocol.ts';

/** Most organisations whose budgets one `DurableObjectRateBudget` keeps at hand (their state is in objects). */
const MAX_ACCOUNTS = 1_000;

/**
 * Core's `RateBudget` on Durable Objects (`ZenotiAuthObject`), one per organisation: every isolate
 * of the deployment takes its permits from its account's object, so the fleet is one client toward
 * Zenoti's organisation limit, and two organisations never spend each other's calls (see
 * `forAccount`). The window is Zenoti's (the whole limit back when it ends), on the object's clock,
 * and follows what Zenoti reports (a higher limit, the window's count, a 429's `Retry-After`). When
 * the object cannot be reached, the engine paces in-process and says so once (a `warning` event).
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
  readonly #o: ResolvedBudgetOptions;
  readonly #call: Call;
  /** The budgets of the accounts engines asked for. */
  readonly #accounts = new Map<string, RateBudget>();
  /** This budget's own permits: the configured account's (or, without one, no account's). */
  readonly #own: RateBudget;
  /** Where the warnings go: `onWarning`, else the engines that use the budget (see `addWarningListener`). */
  readonly #warnings: WarningRoute;

  constructor(options: DurableObjectRateBudgetOptions) {
    const o = resolveBudgetOptions(options);
    this.#o = o;
    this.#warnings = new WarningRoute(o.onWarning);
    this.#call = caller(o.namespace, o.callTimeoutMs);
    this.limit = o.limit;
    this.intervalMs = Math.round(o.intervalMs);
    this.#own = this.#budgetOf(o.account);
    // Engines take its permits through core's fair queue (`@zenoti-auth/core/rate-budget`).
    pacedBudget(this);
  }

  take(): Promise<number> {
    return this.#own.take() as Promise<number>;
  }

  observe(report: RateReport): Promise<void> {
    return this.#own.observe(report) as Promise<void>;
  }

  /**
   * The budget of the engine's organisation (core asks once per engine): its own object, so that
   * organisations never spend each other's window. With `account` configured, this budget itself,
   * whichever engine asks (an engine of another account is warned about); with `name`, that one
   * object for every account (the object warns of a second one).
   */
  forAccount(accountName: string): RateBudget {
    const account = String(accountName).toLowerCase();
    let budget = this.#accounts.get(account);
    if (!budget) {
      if (this.#accounts.size >= MAX_ACCOUNTS) this.#accounts.clear();
      const own = this.#o.account;
      if (own && own !== account) this.#warn(own, account);
      budget = own ? this : this.#budgetOf(account);
      this.#accounts.set(account, budget);
    }
    return budget;
  }

  /** The permits of `account` ('' for none), from its object, warning once if it is another's. */
  #budgetOf(account: string): RateBudget {
    const name = this.#nameOf(account);
    const { limit, intervalMs } = this;
    let warned = false;
    const heard = ({ owner }: { owner?: string }): void => {
      if (owner && !warned) this.#warn(owner, account);
      warned ||= !!owner;
    };
    return {
      local: false,
      limit,
      intervalMs,
      take: async () => {
        const answer = await this.#call(name, { op: 'take', limit, intervalMs, account });
        heard(answer);
        return answer.waitMs;
      },
      // The report as it is: JSON sends NaN and infinity as null, which the object ignores.
      observe: async (report) =>
        heard(await this.#call(name, { op: 'observe', limit, intervalMs, account, report })),
      toJSON: () => ({ ...this.toJSON(), name }),
    } as RateBudget;
  }

  /** The object of `account`'s budget: the configured `name`, else one per account. */
  #nameOf(account: string): string {
    return this.#o.name ?? `zenoti-auth:rate-budget${account && `:${account}`}`;
  }

  /** For the engines that use the budget: without `onWarning`, its warnings go to the first that listens. */
  addWarningListener(listener: WarningListener): void {
    this.#warnings.add(listener);
  }

  #warn(owner: string, account: string): void {
    this.#warnings.warn(
      `${TAG}The rate budget of "${owner}" paces "${account}" too: two organisations, one window.`,
    );
  }

  /** Safe to log (also what makes two budgets of one name the same in an engine cache). */
  toJSON(): Record<string, unknown> {
    const { limit, intervalMs } = this;
    return { type: 'DurableObjectRateBudget', name: this.#nameOf(this.#o.account), limit, intervalMs };
  }
}
