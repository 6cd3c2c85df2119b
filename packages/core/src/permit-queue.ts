import { rateLimited, type ZenotiAuthError } from './errors.ts';
import type { Emitter } from './events.ts';
import { MemoryRateBudget, type RateBudget, type RateReport } from './rate-budget.ts';
import { processWide } from './registry.ts';
import { abortError, sleep } from './time.ts';

/** Token calls go ahead of resource calls: without a token, no resource call can be made. */
export type CallKind = 'token' | 'resource';

export interface PermitPolicy {
  /** Longest a caller waits for a permit; past it, `RATE_LIMITED`. */
  maxWaitMs: number;
  /** Most resource calls waiting at once; past it, `RATE_LIMITED` at once. */
  maxQueued: number;
  /**
   * `false` where a promise dies with the request that made it (Cloudflare Workers): then no caller
   * waits on a queue another request runs (see `#waitAlone`).
   */
  shareInFlight: boolean;
}

interface Waiter {
  kind: CallKind;
  /** Real time by which the caller must have its permit. */
  deadline: number;
  since: number;
  events: Emitter;
  resolve(): void;
  reject(error: ZenotiAuthError): void;
  /** Detaches the caller's abort listener. */
  detach(): void;
}

/** How often an unreachable budget is asked again. */
const PROBE_MS = 1_000;

/**
 * The callers of one process waiting for permits of one budget, first come first served (token
 * calls first). One caller at a time asks the budget; when it says wait, the queue sleeps until
 * the window refills, and callers who cannot wait that long get `RATE_LIMITED` at once. A budget
 * that fails (Redis down) is replaced by a process budget of the same limit, which has followed
 * Zenoti's reports all along, until it answers again, with a `warning` event. Each process then
 * paces alone, at its share of the limit (`RateBudget.fleetSize`); without one, a fleet may overrun
 * the limit: the 429s pause each process's budget, and calls are retried within
 * `rateLimit.maxRetries` and `maxWaitMs`.
 */
export class PermitQueue {
  readonly #budget: RateBudget;
  readonly #waiters: Waiter[] = [];
  /**
   * A process budget that follows every report of Zenoti's from the start (a remote budget only),
   * so that it can stand in for the budget while that is unreachable without bursting into a window
   * Zenoti already reported spent.
   */
  readonly #standIn: MemoryRateBudget | undefined;
  /** The stand-in, while the budget is unreachable. */
  #fallback: MemoryRateBudget | undefined;
  /** When to ask an unreachable budget again (real time). */
  #probeAt = 0;
  #pumping = false;

  constructor(budget: RateBudget) {
    this.#budget = budget;
    if (!budget.local)
      this.#standIn = new MemoryRateBudget({
        limit: budget.limit,
        intervalMs: budget.intervalMs,
        share: 1 / Math.max(1, Math.floor(budget.fleetSize ?? 1)),
      });
  }

  /** Callers waiting now. */
  get length(): number {
    return this.#waiters.length;
  }

  /**
   * A permit for one call: `undefined` when it may go at once (an in-process budget with a permit
   * left, nobody waiting), else a promise that resolves when it may go, or rejects with
   * `RATE_LIMITED` (past `maxWaitMs` or `maxQueued`) or `ABORTED` (the caller's signal).
   */
  acquire(
    kind: CallKind,
    policy: PermitPolicy,
    events: Emitter,
    signal?: AbortSignal,
  ): Promise<void> | undefined {
    if (signal?.aborted) return Promise.reject(abortError());
    if (this.#waiters.length === 0 && !this.#pumping && this.#budget.local && !this.#fallback) {
      const wait = this.#budget.take() as number;
      if (wait === 0) return undefined;
      if (wait > policy.maxWaitMs)
        return Promise.reject(
          rateLimited(wait, `Zenoti rate budget: no permit within ${policy.maxWaitMs} ms`),
        );
    }
    if (!policy.shareInFlight) return this.#waitAlone(policy, events, signal);
    const queued = this.#waiters.filter((w) => w.kind === 'resource').length;
    if (kind === 'resource' && queued >= policy.maxQueued)
      return Promise.reject(rateLimited(1_000, `Zenoti rate budget: ${queued} calls already wait`));
    return new Promise<void>((resolve, reject) => {
      const now = Date.now();
      const waiter: Waiter = {
        kind,
        deadline: now + policy.maxWaitMs,
        since: now,
        events,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      const onAbort = (): void => {
        this.#remove(waiter);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // Token calls go ahead of every resource call, behind earlier token calls.
      const at = kind === 'token' ? this.#waiters.findIndex((w) => w.kind === 'resource') : -1;
      this.#waiters.splice(at === -1 ? this.#waiters.length : at, 0, waiter);
      void this.#pump();
    });
  }

  /** Passes what Zenoti reported to the budget (and to the fallback while it stands in). */
  async observe(report: RateReport, events: Emitter): Promise<void> {
    this.#standIn?.observe(report);
    try {
      await this.#budget.observe(report);
    } catch {
      this.#outage(events);
    }
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (let head = this.#waiters[0]; head; head = this.#waiters[0]) {
        const wait = await this.#take(head.events);
        if (wait === 0) {
          this.#remove(head);
          this.#granted(head.events, head.since);
          head.resolve();
          continue;
        }
        // No permit for `wait` ms: whoever cannot wait that long is told now, not then.
        const ready = Date.now() + wait;
        for (const waiter of [...this.#waiters])
          if (waiter.deadline < ready) {
            this.#remove(waiter);
            waiter.reject(
              rateLimited(wait, `Zenoti rate budget: no permit within ${waiter.deadline - waiter.since} ms`),
            );
          }
        if (this.#waiters.length > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    } finally {
      this.#pumping = false;
    }
  }

  /**
   * A permit where a promise dies with the request that made it (`shareInFlight: false`): a queue
   * run by one request would stop when that request ends, and leave the others waiting for ever.
   * So each caller asks the budget itself and sleeps, in its own request, until the window it was
   * told of refills. Callers are then not served in order of arrival.
   */
  async #waitAlone(policy: PermitPolicy, events: Emitter, signal: AbortSignal | undefined): Promise<void> {
    const since = Date.now();
    for (;;) {
      const wait = await this.#take(events);
      if (wait === 0) return this.#granted(events, since);
      if (Date.now() + wait > since + policy.maxWaitMs)
        throw rateLimited(wait, `Zenoti rate budget: no permit within ${policy.maxWaitMs} ms`);
      await sleep(wait, signal);
    }
  }

  /** Tells of a permit given after a wait: how long it took, and how many still wait here. */
  #granted(events: Emitter, since: number): void {
    events.emit({
      type: 'rateLimit',
      remaining: undefined,
      resetSeconds: undefined,
      retryAfterMs: undefined,
      retrying: false,
      queued: this.#waiters.length,
      waitedMs: Date.now() - since,
    });
  }

  /**
   * Asks the budget for one permit. While it is out (Redis down), a process budget stands in; the
   * shared one is asked again every `PROBE_MS`, and takes over as soon as it answers.
   */
  async #take(events: Emitter): Promise<number> {
    if (this.#fallback === undefined || Date.now() >= this.#probeAt)
      try {
        const wait = await this.#budget.take();
        this.#fallback = undefined;
        return wait;
      } catch {
        this.#outage(events);
      }
    return (this.#fallback as MemoryRateBudget).take();
  }

  #outage(events: Emitter): void {
    this.#probeAt = Date.now() + PROBE_MS;
    if (this.#fallback) return;
    this.#fallback = this.#standIn ?? new MemoryRateBudget();
    events.emit({
      type: 'warning',
      message: '[@zenoti-auth/core] Rate budget unreachable; this process paces itself alone meanwhile.',
    });
  }

  #remove(waiter: Waiter): void {
    const i = this.#waiters.indexOf(waiter);
    if (i !== -1) this.#waiters.splice(i, 1);
    waiter.detach();
  }
}

/** The queue of `budget` in this process, shared by every engine that uses the budget. */
export function permitQueueOf(budget: RateBudget): PermitQueue {
  return processWide('@zenoti-auth/core/v2/permit-queues', budget, () => new PermitQueue(budget));
}
