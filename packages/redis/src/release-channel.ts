import { causeOf } from './cause.ts';
import { TIMED_OUT, timed } from './client.ts';
import { ignore } from './close.ts';
import { TAG } from './errors.ts';
import type { Link } from './link.ts';
import type { ResolvedStoreOptions } from './options.ts';

/** Where processes waiting for a lock learn of its release. */
export interface ReleaseChannel {
  /** Resolves when `lockKey` is released, after `ms`, or when `signal` fires — whichever is first. */
  wait(lockKey: string, ms: number, signal: AbortSignal | undefined): Promise<void>;
  /** Closes the subscribed connection, if any; no wait opens another one. */
  close(): Promise<void>;
}

/**
 * Holders announce each release on the pub/sub channel `<prefix>lock-released` (the message is the
 * lock's Redis key: see LOCK in `scripts.ts`). The channel is subscribed lazily, on a connection of
 * its own (`Driver.subscribe`), the first time this store has to wait; after a failed subscription, again
 * no sooner than 5 s later. Waiters also poll, so a lost message or a down subscriber only costs a
 * poll interval.
 */
export function releaseChannel(
  link: Link,
  { commandTimeoutMs, prefix }: ResolvedStoreOptions,
  warn: (message: string) => void,
): ReleaseChannel {
  /** Wake-up calls of the callers waiting for a lock, with the lock's Redis key. */
  const waiters = new Map<() => void, string>();
  /** Closes the subscription, once a wait has opened it. */
  let subscriber: Promise<(() => Promise<void>) | undefined> | undefined;
  let subscribeFailedAt = 0;
  let closed = false;

  const subscribe = (): void => {
    const wake = (released: string): void => {
      for (const [waiter, key] of waiters) if (key === released) waiter();
    };
    const limit = commandTimeoutMs * 2;
    // Past the time limit, a connection still subscribing is closed.
    const signal = AbortSignal.timeout(limit);
    subscriber = timed(limit, async () =>
      (link.driver ?? (await link.opened)).subscribe(`${prefix}lock-released`, wake, signal),
    ).then(
      async (close) => {
        if (!closed) return close;
        await close().catch(ignore);
        return undefined;
      },
      (error: unknown) => {
        subscribeFailedAt = Date.now();
        subscriber = undefined;
        const cause = error === TIMED_OUT ? `no answer within ${commandTimeoutMs * 2} ms` : causeOf(error);
        warn(`${TAG}Could not subscribe to lock releases (${cause}); waiting processes poll instead.`);
        return undefined;
      },
    );
  };

  return {
    wait(lockKey, ms, signal) {
      if (!closed && !subscriber && Date.now() - subscribeFailedAt > 5_000) subscribe();
      return new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiters.set(done, lockKey);
        signal?.addEventListener('abort', done);
      });
    },
    async close() {
      closed = true;
      const subscribed = subscriber;
      subscriber = undefined;
      await (await subscribed)?.().catch(ignore);
    },
  };
}
