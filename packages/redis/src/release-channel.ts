import type { RedisDriver, Subscription } from './client-adapter.ts';

export type WaitOutcome = 'released' | 'elapsed' | 'aborted';

/** After a failed subscription, try again no sooner than this (waiters poll meanwhile). */
const RETRY_SUBSCRIBE_MS = 5_000;

/**
 * One pub/sub channel per store on which lock holders announce releases (the message is the lock's
 * Redis key). Subscribed lazily, on its own connection, the first time a process has to wait;
 * waiters also poll, so a lost message or a down subscriber only costs a poll interval.
 */
export class ReleaseChannel {
  readonly #driver: RedisDriver;
  readonly #channel: string;
  readonly #warn: (message: string) => void;
  readonly #waiters = new Map<string, Set<() => void>>();
  #subscription: Promise<Subscription | undefined> | undefined;
  #failedAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(driver: RedisDriver, channel: string, warn: (message: string) => void) {
    this.#driver = driver;
    this.#channel = channel;
    this.#warn = warn;
  }

  get name(): string {
    return this.#channel;
  }

  /** Resolves when `lockKey` is released, after `ms`, or when `signal` fires — whichever is first. */
  wait(lockKey: string, ms: number, signal: AbortSignal | undefined): Promise<WaitOutcome> {
    this.#subscribe();
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise<WaitOutcome>((resolve) => {
      let waiters = this.#waiters.get(lockKey);
      if (!waiters) {
        waiters = new Set();
        this.#waiters.set(lockKey, waiters);
      }
      const set = waiters;
      const finish = (outcome: WaitOutcome): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        set.delete(onRelease);
        if (set.size === 0 && this.#waiters.get(lockKey) === set) this.#waiters.delete(lockKey);
        resolve(outcome);
      };
      const onRelease = (): void => finish('released');
      const onAbort = (): void => finish('aborted');
      const timer = setTimeout(() => finish('elapsed'), ms);
      set.add(onRelease);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Closes the subscriber connection (if one was opened). Waits already running keep polling. */
  async close(): Promise<void> {
    this.#closed = true;
    const subscription = this.#subscription;
    this.#subscription = undefined;
    await (await subscription)?.close();
  }

  #subscribe(): void {
    if (this.#closed || this.#subscription) return;
    if (Date.now() - this.#failedAt < RETRY_SUBSCRIBE_MS) return;
    const started = this.#driver
      .subscribe(this.#channel, (message) => this.#deliver(message))
      .then(
        async (subscription) => {
          if (!this.#closed) return subscription;
          await subscription.close();
          return undefined;
        },
        () => {
          this.#failedAt = Date.now();
          if (this.#subscription === started) this.#subscription = undefined;
          this.#warn(
            '[@zenoti-auth/redis] Could not subscribe to lock releases; waiting processes poll instead.',
          );
          return undefined;
        },
      );
    this.#subscription = started;
  }

  #deliver(lockKey: string): void {
    const waiters = this.#waiters.get(lockKey);
    if (!waiters) return;
    for (const wake of [...waiters]) wake();
  }
}
