import type { ZenotiAuthError } from '../errors.ts';
import type {
  CallKind,
  PermitListener,
  PermitPolicy,
  Permits,
  RateBudget,
  RateReport,
} from '../rate-budget.ts';
import { rateLimited } from '../rate-limited.ts';
import { abortError, sleep } from '../time.ts';
import { PermitSource } from './permit-source.ts';
import { noPermitWithin, PermitsAlone, refusal } from './permits-alone.ts';

interface Waiter {
  kind: CallKind;
  /** Real time by which the caller must have its permit. */
  deadline: number;
  since: number;
  listener: PermitListener;
  resolve(): void;
  reject(error: ZenotiAuthError): void;
  /** Detaches the caller's abort listener. */
  detach(): void;
}

/**
 * The callers of one process waiting for permits of one budget. One caller at a time asks the
 * budget; when it says wait, the queue sleeps until the window refills, and callers who cannot
 * wait that long get `RATE_LIMITED` at once. Who goes next: token calls first, in order of arrival;
 * then sign-ins and resource calls by turns, each in order of arrival, so that a flood of end
 * users' sign-ins cannot starve the app's own calls (nor the app's calls the sign-ins). A budget
 * that is out is stood in for (`PermitSource`); without one, a fleet may overrun the limit: the
 * 429s pause each process's budget, and calls are retried within `rateLimit.maxRetries` and
 * `maxWaitMs`.
 */
export class PermitQueue implements Permits {
  readonly #source: PermitSource;
  readonly #alone: PermitsAlone;
  /** Token calls first, then the others, each in order of arrival. */
  readonly #waiters: Waiter[] = [];
  /** Sign-ins and resource calls waiting (`maxQueued` bounds them). */
  #queued = 0;
  #pumping = false;
  /** Ends the pump's sleep when the last waiter leaves. */
  #nap: AbortController | undefined;
  /** Whether a sign-in goes next when both sign-ins and resource calls wait. */
  #signInsTurn = false;

  constructor(budget: RateBudget) {
    this.#source = new PermitSource(budget);
    this.#alone = new PermitsAlone(this.#source);
  }

  /** Callers waiting now. */
  get length(): number {
    return this.#waiters.length;
  }

  /** Callers waiting now, in the queue or each on its own (`shareInFlight: false`). */
  get queued(): number {
    return this.#waiters.length + this.#alone.waiting;
  }

  /**
   * A permit for one call: `undefined` when it may go at once (an in-process budget with a permit
   * left, nobody waiting), else a promise that resolves when it may go, or rejects with
   * `RATE_LIMITED` (past `maxWaitMs` or `maxQueued`) or `ABORTED` (the caller's signal).
   */
  acquire(
    kind: CallKind,
    policy: PermitPolicy,
    listener: PermitListener,
    signal?: AbortSignal,
  ): Promise<void> | undefined {
    if (signal?.aborted) return Promise.reject(abortError());
    if (!policy.shareInFlight) return this.#alone.acquire(kind, policy, listener, signal);
    if (this.#waiters.length === 0 && !this.#pumping && this.#source.answersNow) {
      const wait = this.#source.take(listener) as number;
      if (wait === 0) return undefined;
      if (wait > policy.maxWaitMs) return Promise.reject(noPermitWithin(policy, wait));
    }
    if (kind !== 'token' && this.#queued >= policy.maxQueued) return Promise.reject(refusal(this.#queued));
    return new Promise<void>((resolve, reject) => {
      const now = Date.now();
      const waiter: Waiter = {
        kind,
        deadline: now + policy.maxWaitMs,
        since: now,
        listener,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      const onAbort = (): void => {
        this.#remove(waiter);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // Token calls go ahead of every other call, behind earlier token calls.
      const at = kind === 'token' ? this.#waiters.findIndex((w) => w.kind !== 'token') : -1;
      this.#waiters.splice(at === -1 ? this.#waiters.length : at, 0, waiter);
      if (kind !== 'token') this.#queued++;
      void this.#pump();
    });
  }

  /** Passes what Zenoti reported to the budget (and to its stand-in). */
  observe(report: RateReport, listener: PermitListener): Promise<void> {
    return this.#source.observe(report, listener);
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (let asker = this.#waiters[0]; asker; asker = this.#waiters[0]) {
        const wait = await this.#source.take(asker.listener);
        if (wait === 0) {
          // The permit goes to whoever is next now: the one who asked may have given up meanwhile.
          const next = this.#next();
          if (next) this.#serve(next);
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
        if (this.#waiters.length === 0) continue;
        this.#nap = new AbortController();
        await sleep(wait, this.#nap.signal).catch(() => undefined);
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Who goes next: the first token call, else the first sign-in or resource call, by turns. */
  #next(): Waiter | undefined {
    const first = this.#waiters[0];
    if (first === undefined || first.kind === 'token') return first;
    const other = this.#waiters.find((w) => w.kind !== first.kind);
    return other && (other.kind === 'sign-in') === this.#signInsTurn ? other : first;
  }

  #serve(waiter: Waiter): void {
    this.#remove(waiter);
    if (waiter.kind !== 'token') this.#signInsTurn = waiter.kind === 'resource';
    waiter.listener.granted(waiter.since, this.#waiters.length);
    waiter.resolve();
  }

  #remove(waiter: Waiter): void {
    const i = this.#waiters.indexOf(waiter);
    if (i !== -1) {
      this.#waiters.splice(i, 1);
      if (waiter.kind !== 'token') this.#queued--;
      if (this.#waiters.length === 0) this.#nap?.abort();
    }
    waiter.detach();
  }
}
