import type { TokenSet, TokenStoreLock, TokenStoreLockOptions } from '@zenoti-auth/core';
import type { Send, SendAndWait } from './client.ts';
import { ignore } from './close.ts';
import { TAG } from './errors.ts';
import { keysOf } from './keys.ts';
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
 * Takes the cross-process lock: `SET key owner NX PX lease` (with `waitForReplicas`, confirmed by
 * `WAIT`: a lock no replica has may vanish in a failover, so an unconfirmed one is given back and
 * counts as not taken). When another process holds it, waits for its release (pub/sub, plus polling
 * every 50–100 ms, jittered so that waiters do not move in step) and then:
 * - if the holder stored a newer token set under the locked key meanwhile, and that set is still in
 *   the first half of its life (the engine renews a set only in its last quarter, so it surely takes
 *   it as usable), resolves `undefined` at once: the engine re-reads the store, finds the new set and
 *   calls nobody — no queue of processes taking the lock one after another just to read it; an older
 *   set (a slow holder) is not trusted: the waiter takes the lock and the engine decides under it;
 * - otherwise tries to take the lock again.
 * Also resolves `undefined` once `waitTimeoutMs` has passed or `signal` fired. Rejects when Redis is
 * unreachable (the engine then spends no refresh token) — unless the lock was already seen held
 * elsewhere: then a failure that follows still means "held elsewhere" (`undefined`), never "no lock".
 */
export function locker(
  o: ResolvedStoreOptions,
  send: Send,
  sendAndWait: SendAndWait,
  /** Reads the token set under a Redis key (shared with concurrent reads). */
  read: (redisKey: string) => Promise<TokenSet | undefined>,
  releases: ReleaseChannel,
  warn: (message: string) => void,
): TakeLock {
  /** Runs the LOCK script for `owner`: extend by `ms`, or release with no `ms`. Resolves whether it owns the lock. */
  const ownerOf =
    (lockKey: string, owner: string) =>
    async (ms?: number): Promise<boolean> =>
      (await send([
        'EVAL',
        LOCK,
        '1',
        lockKey,
        owner,
        ...(ms ? [`${ms}`] : ['', `${o.prefix}lock-released`]),
      ])) === 1;

  /** One attempt at the lock; with `waitForReplicas`, it counts only once replicas confirm it. */
  const take = async (
    lockKey: string,
    lease: number,
    own: (ms?: number) => Promise<boolean>,
    owner: string,
  ): Promise<'taken' | 'held' | 'unconfirmed'> => {
    const args = ['SET', lockKey, owner, 'NX', 'PX', `${lease}`];
    const replication = o.waitForReplicas;
    if (!replication) {
      // A SET that times out on our side may still run later: such a lock is given straight back.
      const reply = await send(args, (late) => {
        if (late === 'OK') own().catch(ignore);
      });
      return reply === 'OK' ? 'taken' : 'held';
    }
    const [reply, confirmed] = await sendAndWait(args, replication.replicas, replication.timeoutMs);
    if (reply !== 'OK') return 'held';
    if (confirmed >= replication.replicas) return 'taken';
    own().catch(ignore);
    warn(
      `${TAG}The refresh lock was confirmed by ${confirmed} of ${replication.replicas} replicas within ${replication.timeoutMs} ms (waitForReplicas): given back, and no refresh token is spent meanwhile.`,
    );
    return 'unconfirmed';
  };

  return async (key, options) => {
    const ttlMs = Number.isFinite(options?.ttlMs) && options.ttlMs > 0 ? options.ttlMs : 30_000;
    const signal = options?.signal;
    const { lock: lockKey, set: watched } = keysOf(o.prefix, key);
    const lease = Math.ceil(o.lockTtlMs ?? ttlMs);
    const owner = crypto.randomUUID();
    const own = ownerOf(lockKey, owner);
    const deadline = Date.now() + o.waitTimeoutMs;
    let seenHeld = false;
    try {
      const before = (await read(watched))?.version;
      for (let attempt = 0; ; attempt++) {
        if (attempt) {
          const set = await read(watched);
          const life = set ? set.accessTokenExpiresAt - set.obtainedAt : 0;
          if (set && set.version > (before ?? -1) && life > 0 && Date.now() - set.obtainedAt < life / 2)
            return;
        }
        const taken = await take(lockKey, lease, own, owner);
        if (taken === 'taken') break;
        if (taken === 'unconfirmed') return; // held by nobody, but not safely ours either
        seenHeld = true;
        const left = deadline - Date.now();
        if (left <= 0 || signal?.aborted) return;
        await releases.wait(lockKey, Math.min(left, 50 + Math.random() * 50), signal);
        if (signal?.aborted) return;
      }
    } catch (error) {
      if (seenHeld) return;
      throw error;
    }
    return held(lockKey, lease, ttlMs, own);
  };
}

/**
 * The lock as held: renews its lease every third of it, up to the longest hold the engine asked
 * for. A crashed holder stops renewing, so its lock expires within one lease. While Redis is
 * unreachable it tries again next time; the lock expires by itself if Redis stays away.
 */
function held(
  lockKey: string,
  lease: number,
  ttlMs: number,
  own: (ms?: number) => Promise<boolean>,
): RedisTokenStoreLock {
  let released = false;
  let holdUntil = Date.now() + Math.max(ttlMs, lease);
  let timer: ReturnType<typeof setTimeout>;
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
}
