import type { TokenSet, TokenStoreLock, TokenStoreLockOptions } from '@zenoti-auth/core';
import type { RedisDriver } from './client-adapter.ts';
import type { ReleaseChannel } from './release-channel.ts';
import { EXTEND_LOCK, RELEASE_LOCK } from './scripts.ts';

/** A held Redis lock. */
export interface RedisTokenStoreLock extends TokenStoreLock {
  /** Gives the lock back (compare-and-delete: only while this holder owns it) and wakes the waiters. */
  release(): Promise<void>;
  /**
   * Makes the lock live at least `ms` more (compare-and-pexpire, never shortens it). Resolves `false`
   * when this holder no longer owns it (it expired and another process took it).
   */
  extend(ms: number): Promise<boolean>;
}

export interface LockSettings {
  driver: RedisDriver;
  channel: ReleaseChannel;
  /** The token set stored under a Redis key, if there is one this store can read. */
  peek(redisKey: string): Promise<TokenSet | undefined>;
  /** The store's `lockTtlMs`, when configured. */
  leaseMs: number | undefined;
  waitTimeoutMs: number;
}

/** Poll interval of a waiting process: 50–100 ms, jittered so that waiters do not move in step. */
const pollMs = (): number => 50 + Math.random() * 50;

/**
 * Whether a set is in the first half of its life. The engine renews a set only in the last quarter
 * of its life, so a fresh set is one it will use: the margin covers the time until it re-reads.
 * A set renewed elsewhere that is older than that (a slow holder) is not trusted: the waiter takes
 * the lock and lets the engine decide under it.
 */
function isFresh(set: TokenSet): boolean {
  const lifetime = set.accessTokenExpiresAt - set.obtainedAt;
  return lifetime > 0 && Date.now() - set.obtainedAt < lifetime / 2;
}

function randomOwner(): string {
  return globalThis.crypto.randomUUID();
}

class HeldLock implements RedisTokenStoreLock {
  readonly #driver: RedisDriver;
  readonly #key: string;
  readonly #owner: string;
  readonly #channel: string;
  readonly #leaseMs: number;
  #holdUntil: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #released = false;

  constructor(
    driver: RedisDriver,
    key: string,
    owner: string,
    channel: string,
    leaseMs: number,
    maxHoldMs: number,
  ) {
    this.#driver = driver;
    this.#key = key;
    this.#owner = owner;
    this.#channel = channel;
    this.#leaseMs = leaseMs;
    this.#holdUntil = Date.now() + Math.max(maxHoldMs, leaseMs);
    this.#schedule();
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    clearTimeout(this.#timer);
    await this.#driver.eval(RELEASE_LOCK, [this.#key], [this.#owner, this.#channel, this.#key]);
  }

  async extend(ms: number): Promise<boolean> {
    if (this.#released || !Number.isFinite(ms) || ms < 1) return false;
    const wanted = Math.ceil(ms);
    this.#holdUntil = Math.max(this.#holdUntil, Date.now() + wanted);
    const owned = await this.#driver.eval(EXTEND_LOCK, [this.#key], [this.#owner, String(wanted)]);
    return owned === 1;
  }

  toJSON(): Record<string, unknown> {
    return { type: 'RedisTokenStoreLock', key: this.#key, released: this.#released };
  }

  /**
   * While held, renews the lease every third of it, up to the longest hold the engine asked for.
   * A crashed holder stops renewing, so its lock expires within one lease.
   */
  #schedule(): void {
    const timer = setTimeout(() => {
      const left = this.#holdUntil - Date.now();
      if (this.#released || left <= 0) return;
      this.#driver
        .eval(EXTEND_LOCK, [this.#key], [this.#owner, String(Math.ceil(Math.min(this.#leaseMs, left)))])
        .then(
          (owned) => {
            if (owned === 1) this.#schedule();
          },
          // Redis unreachable: try again next time; the lock expires by itself if it stays away.
          () => this.#schedule(),
        );
    }, this.#leaseMs / 3);
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }
}

/**
 * `SET key owner NX PX lease`. When another process holds the lock, waits for its release (pub/sub,
 * plus polling) and then:
 * - if the holder stored a newer token set under `watchKey` meanwhile, and that set is still in the
 *   first half of its life (so the engine surely takes it as usable), resolves `undefined` at once:
 *   the engine re-reads the store, finds the new set and calls nobody — no queue of processes taking
 *   the lock one after another just to read it;
 * - otherwise tries to take the lock again.
 * Also resolves `undefined` once `waitTimeoutMs` has passed or `signal` fired. Redis errors reject
 * (the engine then carries on in-process).
 */
export async function acquireLock(
  settings: LockSettings,
  key: string,
  watchKey: string | undefined,
  options: TokenStoreLockOptions,
): Promise<RedisTokenStoreLock | undefined> {
  const { driver, channel } = settings;
  const leaseMs = Math.ceil(settings.leaseMs ?? options.ttlMs);
  const owner = randomOwner();
  const deadline = Date.now() + settings.waitTimeoutMs;
  // A SET that times out on our side may still run later: give such a lock straight back.
  const giveBackLate = (acquired: boolean): void => {
    if (acquired) driver.eval(RELEASE_LOCK, [key], [owner, channel.name, key]).catch(() => undefined);
  };
  const before = watchKey === undefined ? undefined : (await settings.peek(watchKey))?.version;
  const renewedElsewhere = async (): Promise<boolean> => {
    if (watchKey === undefined) return false;
    const set = await settings.peek(watchKey);
    if (set === undefined || (before !== undefined && set.version <= before)) return false;
    return isFresh(set);
  };
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0 && (await renewedElsewhere())) return undefined;
    if (await driver.setNxPx(key, owner, leaseMs, giveBackLate)) {
      return new HeldLock(driver, key, owner, channel.name, leaseMs, options.ttlMs);
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0 || options.signal?.aborted) return undefined;
    const outcome = await channel.wait(key, Math.min(remaining, pollMs()), options.signal);
    if (outcome === 'aborted') return undefined;
  }
}
