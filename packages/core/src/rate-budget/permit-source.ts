import type { PermitListener, RateBudget, RateReport } from '../rate-budget.ts';
import type { MaybePromise } from '../types.ts';
import { MemoryRateBudget } from './memory-rate-budget.ts';

/** How often a budget that is out is asked again. */
const PROBE_MS = 1_000;

/**
 * One budget as the permit queues ask it, with its stand-in. A budget that fails (Redis down), or
 * answers what is no wait, is replaced by a process budget of the same limit, which has followed
 * Zenoti's reports all along, until it answers again, with a `warning` event. Each process then
 * paces alone, at its share of the limit (`RateBudget.fleetSize`).
 */
export class PermitSource {
  readonly #budget: RateBudget;
  /**
   * A process budget that follows every report of Zenoti's from the start (a remote budget only),
   * so that it can stand in for the budget while that is out without bursting into a window
   * Zenoti already reported spent.
   */
  readonly #standIn: MemoryRateBudget | undefined;
  /** The stand-in, while the budget is out. */
  #fallback: MemoryRateBudget | undefined;
  /** When to ask a budget that is out again (real time). */
  #probeAt = 0;

  constructor(budget: RateBudget) {
    this.#budget = budget;
    if (!budget.local)
      this.#standIn = new MemoryRateBudget({
        limit: budget.limit,
        intervalMs: budget.intervalMs,
        share: 1 / Math.max(1, Math.floor(budget.fleetSize ?? 1)),
      });
  }

  /** Whether `take()` answers synchronously: an in-process budget, not stood in for. */
  get answersNow(): boolean {
    return this.#budget.local === true && this.#fallback === undefined;
  }

  /**
   * Asks for one permit: 0 when taken, else the ms until the window refills. While the budget is
   * out its stand-in answers, and the budget is asked again every `PROBE_MS`.
   */
  take(listener: PermitListener): MaybePromise<number> {
    if (this.#fallback !== undefined && Date.now() < this.#probeAt) return this.#fallback.take();
    let wait: MaybePromise<number>;
    try {
      wait = this.#budget.take();
    } catch {
      return this.#standInTake(listener, 'unreachable');
    }
    return typeof wait === 'number'
      ? this.#answered(wait, listener)
      : Promise.resolve(wait).then(
          (answer) => this.#answered(answer, listener),
          () => this.#standInTake(listener, 'unreachable'),
        );
  }

  /** Passes what Zenoti reported to the budget (and to the stand-in, which follows it all along). */
  async observe(report: RateReport, listener: PermitListener): Promise<void> {
    this.#standIn?.observe(report);
    try {
      await this.#budget.observe(report);
    } catch {
      this.#outage(listener, 'unreachable');
    }
  }

  #answered(wait: unknown, listener: PermitListener): number {
    // A wait is a finite number of ms, 0 or more. Any other answer (a bug, a broken script, a clock
    // gone wrong) is an outage: slept on, a negative or NaN wait spins, an endless one hangs.
    if (Number.isFinite(wait) && (wait as number) >= 0) {
      this.#fallback = undefined;
      return wait as number;
    }
    return this.#standInTake(listener, `answered ${typeof wait === 'number' ? `${wait} ms` : typeof wait}`);
  }

  #standInTake(listener: PermitListener, why: string): number {
    this.#outage(listener, why);
    return (this.#fallback as MemoryRateBudget).take();
  }

  #outage(listener: PermitListener, why: string): void {
    this.#probeAt = Date.now() + PROBE_MS;
    if (this.#fallback) return;
    this.#fallback = this.#standIn ?? new MemoryRateBudget();
    // Once per outage for the whole process: the caller's engine tells it (see `PermitListener`).
    listener.warn(`[@zenoti-auth/core] Rate budget ${why}; this process paces itself alone meanwhile.`);
  }
}
