import type { TokenSet, TokenStore, TokenStoreLock, TokenStoreLockOptions } from '@zenoti-auth/core';
import { type AnyClient, timed } from './client.ts';
import { decode, encode, versionIn } from './codec.ts';
import { storeError, TAG } from './errors.ts';
import { type RedisTokenStoreOptions, type ResolvedStoreOptions, resolveStoreOptions } from './options.ts';
import { LOCK, TOKEN_SET } from './scripts.ts';

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

const ignore = (): void => undefined;

/**
 * A `TokenStore` on Redis: one token set, one refresh and one lock for a whole fleet of processes.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { ZenotiAuth } from '@zenoti-auth/core';
 * import { RedisTokenStore } from '@zenoti-auth/redis';
 * import { encryption } from '@zenoti-auth/redis/encryption';
 *
 * const store = new RedisTokenStore({
 *   client: new Redis(process.env.REDIS_URL!),
 *   encryption: encryption(process.env.TOKEN_KEY!),
 * });
 * const zenoti = new ZenotiAuth({ app, user, store });
 */
export class RedisTokenStore implements TokenStore {
  /** Lives outside this process: the engine keeps a last-known copy for when Redis is down. */
  readonly local = false;
  readonly #o: ResolvedStoreOptions;
  /** Reads in flight, by Redis key: shared by concurrent callers, dropped by any write of ours. */
  readonly #reads = new Map<string, Promise<TokenSet | undefined>>();
  /**
   * The value last read under a key and found unreadable (tampered, another key, not a token set),
   * by Redis key, at most 1,000: reported once per key (not per read), and replaced by the next
   * `set()` of that key. Dropped by a good read.
   */
  readonly #unreadable = new Map<string, string>();
  /** Wake-up calls of the callers waiting for a lock, with the lock's Redis key. */
  readonly #waiters = new Map<() => void, string>();
  /** The connection subscribed to the release channel, once a wait has opened it. */
  #subscriber: Promise<AnyClient | undefined> | undefined;
  #subscribeFailedAt = 0;
  #closed = false;

  constructor(options: RedisTokenStoreOptions) {
    this.#o = resolveStoreOptions(options);
    if (!this.#o.encryption) {
      this.#warn(
        `${TAG}Token sets are stored in Redis in plain text: anyone who can read this Redis can use the Zenoti tokens. Pass \`encryption\` from @zenoti-auth/redis/encryption to encrypt them.`,
      );
    }
  }

  /** The Redis key of a store key: `prefix + key`. */
  redisKey(key: string): string {
    return this.#o.prefix + key;
  }

  /**
   * Reads a token set. Concurrent reads of one key share one Redis GET (a burst of callers costs one
   * round trip); a value that cannot be read (wrong key, tampered, not a token set) is absent + warning.
   */
  get(key: string): Promise<TokenSet | undefined> {
    return this.#shared(this.redisKey(key));
  }

  #shared(redisKey: string): Promise<TokenSet | undefined> {
    const reads = this.#reads;
    const read = reads.get(redisKey);
    if (!read) {
      const started = this.#read(redisKey).finally(
        () => reads.get(redisKey) === started && reads.delete(redisKey),
      );
      // A caller may drop this promise (the engine's synchronous fast path does): its failure must
      // not become an unhandled rejection; callers that await it still see the error.
      started.catch(ignore);
      reads.set(redisKey, started);
      return started;
    }
    return read;
  }

  async #read(redisKey: string): Promise<TokenSet | undefined> {
    const raw = await this.#send(['GET', redisKey]);
    if (typeof raw !== 'string') return undefined;
    const set = await decode(this.#o.encryption, redisKey, raw);
    const unreadable = this.#unreadable;
    if (typeof set !== 'string') {
      unreadable.delete(redisKey);
      return set;
    }
    if (!unreadable.has(redisKey)) {
      if (unreadable.size >= 1_000) unreadable.clear();
      this.#warn(`${TAG}The value under "${redisKey}" ${set}; treated as absent.`);
    }
    unreadable.set(redisKey, raw);
    return undefined;
  }

  /**
   * Stores `value` for `ttlMs`, unless Redis holds a set of a higher version (monotonic, atomic).
   *
   * A value this store last read under the key and could not read is replaced whatever its
   * version, if it is still that very value (compare-and-set in TOKEN_SET: whatever another
   * process wrote meanwhile stands), so one damaged value cannot make every process mint its own
   * token until its TTL ends. The new set then takes the version above the one the unreadable value
   * carries in clear (when higher than its own): versions keep growing for every process comparing them.
   */
  async set(key: string, value: TokenSet, ttlMs: number): Promise<void> {
    if (!Number.isSafeInteger(value?.version))
      throw storeError('A token set needs a whole-number "version".');
    const redisKey = this.redisKey(key);
    const ttl = Number.isFinite(ttlMs) ? Math.max(1, Math.ceil(ttlMs)) : 1;
    const unreadable = this.#unreadable.get(redisKey);
    const seen = unreadable === undefined ? undefined : versionIn(unreadable);
    const set =
      seen !== undefined && seen >= value.version && seen < Number.MAX_SAFE_INTEGER
        ? { ...value, version: seen + 1 }
        : value;
    await this.#write(
      redisKey,
      `${set.version}`,
      await encode(this.#o.encryption, redisKey, set),
      `${ttl}`,
      ...(unreadable === undefined ? [] : [unreadable]),
    );
  }

  /**
   * Deletes the set; with `ifVersion`, only while the stored set still has that version. An
   * unreadable value counts with the version it carries in clear when it is of this store's key
   * (or plain text, without encryption); one of another key only goes with an unconditional delete
   * (the next `set()` replaces it anyway).
   */
  delete(key: string, ifVersion?: number): Promise<void> {
    return this.#write(this.redisKey(key), `${ifVersion ?? ''}`);
  }

  /** Runs the TOKEN_SET script; no read that started before it is shared after it. */
  async #write(redisKey: string, ...args: string[]): Promise<void> {
    this.#reads.delete(redisKey);
    try {
      const keyId = (await this.#o.encryption?.keyId()) ?? '';
      await this.#send(['EVAL', TOKEN_SET, '1', redisKey, keyId, ...args]);
    } finally {
      this.#reads.delete(redisKey);
    }
  }

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
  async lock(key: string, options: TokenStoreLockOptions): Promise<RedisTokenStoreLock | undefined> {
    const { lockTtlMs, waitTimeoutMs, prefix } = this.#o;
    const ttlMs = Number.isFinite(options?.ttlMs) && options.ttlMs > 0 ? options.ttlMs : 30_000;
    const signal = options?.signal;
    const lockKey = prefix + key;
    const watched = key.endsWith(':lock') ? lockKey.slice(0, -5) : undefined;
    const lease = Math.ceil(lockTtlMs ?? ttlMs);
    const owner = crypto.randomUUID();
    const deadline = Date.now() + waitTimeoutMs;
    /** Runs the LOCK script: extend by `ms`, or release with no `ms`. Resolves whether we own the lock. */
    const own = async (ms?: number): Promise<boolean> =>
      (await this.#send([
        'EVAL',
        LOCK,
        '1',
        lockKey,
        owner,
        ...(ms ? [`${ms}`] : ['', `${prefix}lock-released`]),
      ])) === 1;
    const before = watched ? (await this.#shared(watched))?.version : undefined;
    for (let attempt = 0; ; attempt++) {
      if (attempt && watched) {
        const set = await this.#shared(watched);
        const life = set ? set.accessTokenExpiresAt - set.obtainedAt : 0;
        if (set && set.version > (before ?? -1) && life > 0 && Date.now() - set.obtainedAt < life / 2) return;
      }
      // A SET that times out on our side may still run later: such a lock is given straight back.
      const reply = await this.#send(['SET', lockKey, owner, 'NX', 'PX', `${lease}`], (late) => {
        if (late === 'OK') own().catch(ignore);
      });
      if (reply === 'OK') break;
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted) return;
      await this.#wait(lockKey, Math.min(left, 50 + Math.random() * 50), signal);
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
  }

  /** Closes the connection opened for release notifications. The `client` you passed stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    await closeQuietly(await subscriber);
  }

  /** Safe to log: no secret. */
  toJSON(): Record<string, unknown> {
    const { prefix, lockTtlMs = null, waitTimeoutMs, commandTimeoutMs, encryption } = this.#o;
    return {
      type: 'RedisTokenStore',
      client: this.#o.io ? 'ioredis' : 'node-redis',
      prefix,
      encrypted: !!encryption,
      lockTtlMs,
      waitTimeoutMs,
      commandTimeoutMs,
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RedisTokenStore ${JSON.stringify(this)}`;
  }

  /**
   * Sends one command within `commandTimeoutMs`; a reply after it goes to `late`. A client known to
   * be disconnected (ioredis reconnecting, node-redis not ready) fails at once, so nothing piles up in
   * its offline queue.
   */
  #send(args: string[], late?: (reply: unknown) => void): Promise<unknown> {
    const { client, io, commandTimeoutMs } = this.#o;
    const c = client as unknown as AnyClient;
    return timed(
      args[0] as string,
      commandTimeoutMs,
      async () => {
        if (io ? /^(reconnecting|close|end)$/.test(c.status as string) : !c.isOpen || c.isReady === false) {
          throw storeError(
            `Redis is not connected (${io ? `ioredis status "${c.status}"` : `node-redis ${c.isOpen ? 'not ready' : 'closed: call connect() first'}`}).`,
          );
        }
        try {
          return await (io ? c.call(...args) : c.sendCommand(args));
        } catch (error) {
          throw storeError(`Redis ${args[0]} failed.`, error);
        }
      },
      late,
    );
  }

  /**
   * Resolves when `lockKey` is released, after `ms`, or when `signal` fires — whichever is first.
   * Holders announce releases on the pub/sub channel `<prefix>lock-released` (the message is the
   * lock's Redis key); it is subscribed lazily, on a connection of its own (`duplicate()`), the first
   * time a process has to wait; after a failed subscription, again no sooner than 5 s later. Waiters
   * also poll, so a lost message or a down subscriber only costs a poll interval.
   */
  #wait(lockKey: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (!this.#closed && !this.#subscriber && Date.now() - this.#subscribeFailedAt > 5_000) {
      const { client, io, commandTimeoutMs, prefix } = this.#o;
      const sub = (client as unknown as AnyClient).duplicate();
      // Without a listener node-redis would crash the process; both reconnect by themselves.
      sub.on('error', ignore);
      const wake = (released: string): void => {
        for (const [waiter, key] of this.#waiters) if (key === released) waiter();
      };
      const channel = `${prefix}lock-released`;
      const started: Promise<AnyClient | undefined> = timed('SUBSCRIBE', commandTimeoutMs * 2, async () => {
        if (io) {
          sub.on('message', (_, message) => wake(message as string));
          await sub.subscribe(channel);
        } else {
          await sub.connect();
          await sub.subscribe(channel, wake);
        }
      }).then(
        async () => (this.#closed ? closeQuietly(sub) : sub),
        async () => {
          this.#subscribeFailedAt = Date.now();
          this.#subscriber = undefined;
          this.#warn(`${TAG}Could not subscribe to lock releases; waiting processes poll instead.`);
          return closeQuietly(sub);
        },
      );
      this.#subscriber = started;
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.set(done, lockKey);
      signal?.addEventListener('abort', done);
    });
  }

  #warn(message: string): void {
    try {
      this.#o.onWarning(message);
    } catch {
      // A failing warning sink must not break the store.
    }
  }
}

/** Closes a subscriber connection; already closed or never connected is fine. Resolves nothing. */
async function closeQuietly(sub: AnyClient | undefined): Promise<undefined> {
  try {
    await (sub?.destroy ? sub.destroy() : sub?.disconnect());
  } catch {
    // Already closed or never connected.
  }
  return undefined;
}
