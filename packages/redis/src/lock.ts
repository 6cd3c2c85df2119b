import type { TokenSet, TokenStoreLock, TokenStoreLockOptions } from '@zenoti-auth/core';
import { ignore, type Send } from './client.ts';
import type { ResolvedStoreOptions } from './options.ts';
import type { ReleaseChannel } from './release-channel.ts';
import { LOCK } from './scripts.ts';

/** A held Redis lock. */
export interface RedisTokenStoreLock extends TokenStoreLock {
  /** Gives the lock back (compare-and-delete: only while this holder owns it) and wakes the waiters. */
  release(): Promise<void>;
  /**
   * Makes the lock live at least `ms` more (compare-and-pexpire, never shortens it). Resolves `false`
   * when this holder no longer owns it (it expired and another process took it).
   */
  extend(ms: number): Promise<boolean>;
  /** Safe to log: the lock's Redis key and whether it was released (never the owner id). */
  toJSON(): Record<string, unknown>;
}

/** Takes the lock on a store key, or resolves `undefined` when it did not (see `locker`). */
export type TakeLock = (
  key: string,
  options: TokenStoreLockOptions,
) => Promise<RedisTokenStoreLock | undefined>;

/**
 * Takes the cross-process lock: `SET key owner NX PX lease`. When another process holds it, waits
 * for its release (pub/sub, plus polling every 50–100 ms, jittered so that waiters do not move in
 * step) and then:
 * - if the holder stored a newer token set under the locked key (`<key>` for `<key>:lock`)
 *   meanwhile, and that set is still in the first half of its life (the engine renews a set only in
 *   its last quarter, so it surely takes it as usable), resolves `undefined` at once: the engine
 *   re-reads the store, finds the new set and calls nobody — no queue of processes taking the lock
 *   one after another just to read it; an older set (a slow holder) is not trusted: the waiter
 *   takes the lock and the engine decides under it;
 * - otherwise tries to take the lock again.
 * Also resolves `undefined` once `waitTimeoutMs` has passed or `signal` fired. Rejects when Redis is
 * unreachable (the engine then carries on in-process).
 */
export function locker(
  o: ResolvedStoreOptions,
  send: Send,
  /** Reads the token set under a Redis key (shared with concurrent reads). */
  read: (redisKey: string) => Promise<TokenSet | undefined>,
  releases: ReleaseChannel,
): TakeLock {
  return async (key, options) => {
    const ttlMs = Number.isFinite(options?.ttlMs) && options.ttlMs > 0 ? options.ttlMs : 30_000;
    const signal = options?.signal;
    const lockKey = o.prefix + key;
    const watched = key.endsWith(':lock') ? lockKey.slice(0, -5) : undefined;
    const lease = Math.ceil(o.lockTtlMs ?? ttlMs);
    const owner = crypto.randomUUID();
    const deadline = Date.now() + o.waitTimeoutMs;
    /** Runs the LOCK script: extend by `ms`, or release with no `ms`. Resolves whether we own the lock. */
    const own = async (ms?: number): Promise<boolean> =>
      (await send([
        'EVAL',
        LOCK,
        '1',
        lockKey,
        owner,
        ...(ms ? [`${ms}`] : ['', `${o.prefix}lock-released`]),
      ])) === 1;
    const before = watched ? (await read(watched))?.version : undefined;
    for (let attempt = 0; ; attempt++) {
      if (attempt && watched) {
        const set = await read(watched);
        const life = set ? set.accessTokenExpiresAt - set.obtainedAt : 0;
        if (set && set.version > (before ?? -1) && life > 0 && Date.now() - set.obtainedAt < life / 2) return;
      }
      // A SET that times out on our side may still run later: such a lock is given straight back.
      const reply = await send(['SET', lockKey, owner, 'NX', 'PX', `${lease}`], (late) => {
        if (late === 'OK') own().catch(ignore);
      });
      if (reply === 'OK') break;
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted) return;
      await releases.wait(lockKey, Math.min(left, 50 + Math.random() * 50), signal);
      if (signal?.aborted) return;
    }

    let released = false;
    let holdUntil = Date.now() + Math.max(ttlMs, lease);
    let timer: ReturnType<typeof setTimeout>;
    /**
     * While held, renews the lease every third of it, up to the longest hold the engine asked for.
     * A crashed holder stops renewing, so its lock expires within one lease. While Redis is
     * unreachable it tries again next time; the lock expires by itself if Redis stays away.
     */
    const renew = (): void => {
      timer = setTimeout(() => {
        const left = holdUntil - Date.now();
        if (!released && left > 0)
          own(Math.ceil(Math.min(lease, left))).then((owned) => owned && renew(), renew);
      }, lease / 3);
      (timer as { unref?: () => void }).unref?.();
    };
    renew();
    return {
      async release() {
        if (released) return;
        released = true;
        clearTimeout(timer);
        await own();
      },
      async extend(ms) {
        if (released || !Number.isFinite(ms) || ms < 1) return false;
        const wanted = Math.ceil(ms);
        holdUntil = Math.max(holdUntil, Date.now() + wanted);
        return own(wanted);
      },
      toJSON: () => ({ type: 'RedisTokenStoreLock', key: lockKey, released }),
    };
  };
}
