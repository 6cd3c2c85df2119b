import type { ZenotiAuthError } from '../errors.ts';
import type { CallKind, PermitListener, PermitPolicy } from '../rate-budget.ts';
import { rateLimited } from '../rate-limited.ts';
import { sleep } from '../time.ts';
import type { PermitSource } from './permit-source.ts';

/** The most a sleeper's wake-up is put off past the refill it was told of. */
const MAX_SPREAD_MS = 1_000;

/**
 * Permits where a promise dies with the request that made it (`shareInFlight: false`, Cloudflare
 * Workers): a queue run by one request would stop when that request ends, and leave the others
 * waiting for ever. So each caller asks the budget itself and sleeps, in its own request, until the
 * window it was told of refills, and a little more, at random (up to a quarter of the wait, at most
 * `MAX_SPREAD_MS`): sleepers do not all ask the budget again at the same instant. Callers are not
 * served in order of arrival. As in the queue, at most `maxQueued` callers (token calls aside) wait
 * at once, asking the budget or sleeping.
 */
export class PermitsAlone {
  readonly #source: PermitSource;
  /** Callers between their first question to the budget and their permit. */
  #waiting = 0;

  constructor(source: PermitSource) {
    this.#source = source;
  }

  /** Callers waiting now. */
  get waiting(): number {
    return this.#waiting;
  }

  acquire(
    kind: CallKind,
    policy: PermitPolicy,
    listener: PermitListener,
    signal: AbortSignal | undefined,
  ): Promise<void> | undefined {
    const counted = kind !== 'token';
    // While callers wait, the budget is spent: one past `maxQueued` of them is refused without asking.
    if (counted && this.#waiting > 0 && this.#waiting >= policy.maxQueued)
      return Promise.reject(refusal(this.#waiting));
    let first: number | undefined;
    if (this.#source.answersNow) {
      first = this.#source.take(listener) as number;
      if (first === 0) return undefined;
      if (first > policy.maxWaitMs) return Promise.reject(noPermitWithin(policy, first));
    }
    return this.#wait(counted, policy, listener, signal, first);
  }

  async #wait(
    counted: boolean,
    policy: PermitPolicy,
    listener: PermitListener,
    signal: AbortSignal | undefined,
    first: number | undefined,
  ): Promise<void> {
    const since = Date.now();
    const deadline = since + policy.maxWaitMs;
    this.#waiting++;
    try {
      let wait = first ?? (await this.#source.take(listener));
      if (wait !== 0 && counted && this.#waiting > policy.maxQueued) throw refusal(this.#waiting - 1);
      for (; wait !== 0; wait = await this.#source.take(listener)) {
        if (Date.now() + wait > deadline) throw noPermitWithin(policy, wait);
        const spread = Math.random() * Math.min(wait / 4, MAX_SPREAD_MS);
        await sleep(Math.min(wait + spread, deadline - Date.now()), signal);
      }
    } finally {
      this.#waiting--;
    }
    listener.granted(since, this.#waiting);
  }
}

/** `RATE_LIMITED` for a caller past `maxQueued`. */
export function refusal(waiting: number): ZenotiAuthError {
  return rateLimited(1_000, `Zenoti rate budget: ${waiting} calls already wait`);
}

export function noPermitWithin(policy: PermitPolicy, waitMs: number): ZenotiAuthError {
  return rateLimited(waitMs, `Zenoti rate budget: no permit within ${policy.maxWaitMs} ms`);
}
