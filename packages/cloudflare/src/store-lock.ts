import type { TokenStoreLock, TokenStoreLockOptions } from '@zenoti-auth/core';
import type { ResolvedStoreOptions } from './options.ts';
import type { Call } from './protocol.ts';

/** A held refresh lock: a lease in the object, renewed while the request that holds it lives. */
export interface DurableObjectTokenStoreLock extends TokenStoreLock {
  /** Ends the lease (only while this holder has it). */
  release(): Promise<void>;
  /** Safe to log: the lock's key and whether it was released (never the holder id). */
  toJSON(): Record<string, unknown>;
}

/** Takes the lock on a store key, or resolves `undefined` when it did not (see `locker`). */
export type TakeLock = (
  key: string,
  options: TokenStoreLockOptions,
) => Promise<DurableObjectTokenStoreLock | undefined>;

/** A wait of `ms` that ends early when `signal` fires. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The refresh lock, as a lease in the object that holds `key`:
 * - taking it is one call: the object grants the lease if no other holder's lease runs;
 * - a waiter polls (every 25–50 ms, jittered) until it gets the lease, `waitTimeoutMs` has passed
 *   or `signal` fired (then `undefined`): no request ever awaits another request's promise, which
 *   on Workers dies with that request;
 * - the holder renews the lease every third of it while its request lives, up to the longest hold
 *   the engine asked for (`ttlMs`). A request that is cancelled, times out or whose isolate dies
 *   stops renewing, so its lock ends with its lease, at most `lockTtlMs` later;
 * - `release()` ends the lease by holder id: a holder whose lease has ended cannot end another's.
 */
export function locker(o: ResolvedStoreOptions, call: Call, objectOf: (key: string) => string): TakeLock {
  return async (key, options) => {
    const ttlMs = Number.isFinite(options?.ttlMs) && options.ttlMs > 0 ? options.ttlMs : 30_000;
    const signal = options?.signal;
    const lease = Math.ceil(Math.min(o.lockTtlMs, ttlMs));
    const holder = crypto.randomUUID();
    const object = objectOf(key);
    const deadline = Date.now() + o.waitTimeoutMs;
    for (;;) {
      if ((await call(object, { op: 'lock', key, holder, leaseMs: lease })).held) break;
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted) return undefined;
      await pause(Math.min(left, 25 + Math.random() * 25), signal);
      if (signal?.aborted) return undefined;
    }

    let released = false;
    const holdUntil = Date.now() + Math.max(ttlMs, lease);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const renew = (): void => {
      timer = setTimeout(() => {
        const left = holdUntil - Date.now();
        if (released || left <= 0) return;
        call(object, { op: 'lock', key, holder, leaseMs: Math.ceil(Math.min(lease, left)) }).then(
          ({ held }) => held && renew(),
          renew, // the object could not be reached: try again next time; the lease ends by itself
        );
      }, lease / 3);
    };
    renew();
    return {
      async release() {
        if (released) return;
        released = true;
        clearTimeout(timer);
        await call(object, { op: 'release', key, holder });
      },
      toJSON: () => ({ type: 'DurableObjectTokenStoreLock', key, released }),
    };
  };
}
