import type { Emitter } from './events.ts';
import { MemoryRateBudget, type RateBudget, type RateReport } from './rate-budget.ts';
import type { MaybePromise } from './types.ts';
import { type WarningRoute, warningRouteOf } from './warning-route.ts';

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
  /** The engines of this process that use the budget, for a warning its caller's engine does not hear. */
  readonly #route: WarningRoute;

  constructor(budget: RateBudget) {
    this.#budget = budget;
    this.#route = warningRouteOf(budget);
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
  take(events: Emitter): MaybePromise<number> {
    if (this.#fallback !== undefined && Date.now() < this.#probeAt) return this.#fallback.take();
    let wait: MaybePromise<number>;
    try {
      wait = this.#budget.take();
    } catch {
      return this.#standInTake(events, 'unreachable');
    }
    return typeof wait === 'number'
      ? this.#answered(wait, events)
      : Promise.resolve(wait).then(
          (answer) => this.#answered(answer, events),
          () => this.#standInTake(events, 'unreachable'),
        );
  }

  /** Passes what Zenoti reported to the budget (and to the stand-in, which follows it all along). */
  async observe(report: RateReport, events: Emitter): Promise<void> {
    this.#standIn?.observe(report);
    try {
      await this.#budget.observe(report);
    } catch {
      this.#outage(events, 'unreachable');
    }
  }

  #answered(wait: unknown, events: Emitter): number {
    // A wait is a finite number of ms, 0 or more. Any other answer (a bug, a broken script, a clock
    // gone wrong) is an outage: slept on, a negative or NaN wait spins, an endless one hangs.
    if (Number.isFinite(wait) && (wait as number) >= 0) {
      this.#fallback = undefined;
      return wait as number;
    }
    return this.#standInTake(events, `answered ${typeof wait === 'number' ? `${wait} ms` : typeof wait}`);
  }

  #standInTake(events: Emitter, why: string): number {
    this.#outage(events, why);
    return (this.#fallback as MemoryRateBudget).take();
  }

  #outage(events: Emitter, why: string): void {
    this.#probeAt = Date.now() + PROBE_MS;
    if (this.#fallback) return;
    this.#fallback = this.#standIn ?? new MemoryRateBudget();
    // Once per outage for the whole process: to the caller's engine, else another engine of the budget.
    const message = `[@zenoti-auth/core] Rate budget ${why}; this process paces itself alone meanwhile.`;
    if (!events.emit({ type: 'warning', message, source: 'budget', level: 'warn' }))
      this.#route.warn(message);
  }
}

/** Tells of a permit given after a wait: how long it took, and how many still wait. */
export function permitGranted(events: Emitter, since: number, queued: number): void {
  events.emit({
    type: 'rateLimit',
    remaining: undefined,
    resetSeconds: undefined,
    retryAfterMs: undefined,
    retrying: false,
    queued,
    waitedMs: Date.now() - since,
  });
}
