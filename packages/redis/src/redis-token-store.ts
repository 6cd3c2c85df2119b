import {
  type TokenGuard,
  type TokenSet,
  type TokenStore,
  type TokenStoreLockOptions,
  type WarningListener,
  WarningRoute,
} from '@zenoti-auth/core';
import { type Send, type SendAndWait, sender } from './client.ts';
import { ignore } from './close.ts';
import { decode, encode } from './codec.ts';
import { storeError, TAG } from './errors.ts';
import { parseGuard } from './guard.ts';
import { keysOf } from './keys.ts';
import { clientJSON, type Link, openLink } from './link.ts';
import { locker, type RedisTokenStoreLock, type TakeLock } from './lock.ts';
import { type RedisTokenStoreOptions, type ResolvedStoreOptions, resolveStoreOptions } from './options.ts';
import { type ReleaseChannel, releaseChannel } from './release-channel.ts';
import { TOKEN_SET } from './scripts.ts';
import { noteUnreadable, repairing, type UnreadableValues } from './unreadable.ts';

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
 *   client: new Redis(process.env.REDIS_URL!), // or the URL itself: the store then opens and closes a client

 *   encryption: encryption(process.env.TOKEN_KEY!),
 * });
 * const zenoti = new ZenotiAuth({ app, user, store });
 */
export class RedisTokenStore implements TokenStore {
  /** Lives outside this process: the engine keeps a last-known copy for when Redis is down. */
  readonly local = false;
  /** Its link's health tells each outage (its cause, its end): the engine does not repeat it. */
  readonly reportsOutages = true;
  readonly #o: ResolvedStoreOptions;
  /** The client (passed in, or opened from a URL) and what the warnings know of its health. */
  readonly #link: Link;
  readonly #send: Send;
  readonly #sendAndWait: SendAndWait;
  /** Reads in flight, by Redis key: shared by concurrent callers, dropped by any write of ours. */
  readonly #reads = new Map<string, Promise<TokenSet | undefined>>();
  /** Values read and found unreadable, to repair: see `unreadable.ts`. */
  readonly #unreadable: UnreadableValues = new Map();
  /** The lock and the channel its waiters learn of releases on: `lock.ts`, `release-channel.ts`. */
  readonly #releases: ReleaseChannel;
  readonly #lock: TakeLock;
  /** Where the warnings go: `onWarning`, else the engines that use the store (see `addWarningListener`). */
  readonly #warnings: WarningRoute;

  constructor(options: RedisTokenStoreOptions) {
    this.#o = resolveStoreOptions(options);
    this.#warnings = new WarningRoute(this.#o.onWarning);
    this.#link = openLink(this.#o.client, (message, level) => this.#warn(message, level));
    ({ send: this.#send, sendAndWait: this.#sendAndWait } = sender(this.#link, this.#o.commandTimeoutMs));
    this.#releases = releaseChannel(this.#link, this.#o, (message) => this.#warn(message));
    this.#lock = locker(
      this.#o,
      this.#send,
      this.#sendAndWait,
      (redisKey) => this.#shared(redisKey),
      this.#releases,
      (message) => this.#warn(message),
    );
    if (!this.#o.encryption) {
      this.#warn(
        `${TAG}Token sets are stored in Redis in plain text: anyone who can read this Redis can use the Zenoti tokens. Pass \`encryption\` from @zenoti-auth/redis/encryption to encrypt them.`,
      );
    }
  }

  /**
   * The Redis key of a store key's token set: `prefix{key}` (its lock is `prefix{key}:lock`, its guard
   * `prefix{key}:guard`: one hash slot for all three, see `keysOf`).
   */
  redisKey(key: string): string {
    return keysOf(this.#o.prefix, key).set;
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
    if (typeof set !== 'string') {
      this.#unreadable.delete(redisKey);
      return set;
    }
    // `set` says what is wrong with the value (never a secret).
    if (noteUnreadable(this.#unreadable, redisKey, raw))
      this.#warn(`${TAG}The value under "${redisKey}" ${set}; treated as absent.`);
    return undefined;
  }

  /**
   * Stores `value` for `ttlMs`, unless Redis holds a set of a higher version (monotonic, atomic).
   * A value this store last read under the key and could not read is repaired: see `unreadable.ts`.
   */
  async set(key: string, value: TokenSet, ttlMs: number): Promise<void> {
    if (!Number.isSafeInteger(value?.version))
      throw storeError('A token set needs a whole-number "version".');
    const redisKey = this.redisKey(key);
    // At once, not after encrypting: a read from now on must not join one that began before.
    this.#reads.delete(redisKey);
    const ttl = Number.isFinite(ttlMs) ? Math.max(1, Math.ceil(ttlMs)) : 1;
    const [set, replacing] = repairing(this.#unreadable, redisKey, value);
    await this.#write(
      redisKey,
      `${set.version}`,
      await encode(this.#o.encryption, redisKey, set),
      `${ttl}`,
      ...replacing,
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

  /**
   * Runs the TOKEN_SET script; no read that started before it is shared after it. A write (not a
   * delete) with `waitForReplicas` waits for replicas to confirm it, and says so when they did not.
   */
  async #write(redisKey: string, ...args: string[]): Promise<void> {
    this.#reads.delete(redisKey);
    try {
      const keyId = (await this.#o.encryption?.keyId()) ?? '';
      const command = ['EVAL', TOKEN_SET, '1', redisKey, keyId, ...args];
      const replication = this.#o.waitForReplicas;
      if (!replication || args.length < 2) {
        await this.#send(command);
        return;
      }
      const [, confirmed] = await this.#sendAndWait(command, replication.replicas, replication.timeoutMs);
      if (confirmed < replication.replicas)
        this.#warn(
          `${TAG}A new token set was confirmed by ${confirmed} of ${replication.replicas} replicas within ${replication.timeoutMs} ms (waitForReplicas): a failover now could lose it.`,
        );
    } finally {
      this.#reads.delete(redisKey);
    }
  }

  /**
   * The guard of `key` (a rejected password, a refused refresh token, a Retry-After) that every
   * process of the fleet honours, under `prefix + key + ":guard"`. An unreadable one is absent + warning.
   */
  async getGuard(key: string): Promise<TokenGuard | undefined> {
    const redisKey = this.#guardKey(key);
    const raw = await this.#send(['GET', redisKey]);
    if (typeof raw !== 'string') return undefined;
    const guard = parseGuard(raw);
    if (typeof guard !== 'string') return guard;
    this.#warn(`${TAG}The guard under "${redisKey}" ${guard}; treated as absent.`);
    return undefined;
  }

  /** Stores the guard of `key` for `ttlMs` (plain JSON: it holds no secret); `undefined` deletes it. */
  async setGuard(key: string, guard: TokenGuard | undefined, ttlMs: number): Promise<void> {
    const redisKey = this.#guardKey(key);
    const ttl = Number.isFinite(ttlMs) ? Math.max(1, Math.ceil(ttlMs)) : 1;
    await this.#send(guard ? ['SET', redisKey, JSON.stringify(guard), 'PX', `${ttl}`] : ['DEL', redisKey]);
  }

  #guardKey(key: string): string {
    return keysOf(this.#o.prefix, key).guard;
  }

  /** Takes the cross-process lock: see `locker` in `lock.ts`. */
  lock(key: string, options: TokenStoreLockOptions): Promise<RedisTokenStoreLock | undefined> {
    return this.#lock(key, options);
  }

  /**
   * Closes the connection opened for release notifications, and the client when the store opened it
   * from a URL. A `client` you passed stays open.
   */
  async close(): Promise<void> {
    await this.#releases.close();
    await this.#link.close();
  }

  /** Safe to log: no secret. */
  toJSON(): Record<string, unknown> {
    const { prefix, lockTtlMs = null, waitTimeoutMs, commandTimeoutMs, encryption } = this.#o;
    return {
      type: 'RedisTokenStore',
      ...clientJSON(this.#link),
      prefix,
      encrypted: !!encryption,
      lockTtlMs,
      waitTimeoutMs,
      commandTimeoutMs,
      waitForReplicas: this.#o.waitForReplicas ?? null,
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RedisTokenStore ${JSON.stringify(this)}`;
  }

  /**
   * For the engines that use the store (each calls it once): without `onWarning`, the store's
   * warnings go to the first of them that listens, as `warning` events; those told before any
   * engine came (no encryption, Redis down at start) go to the first engine.
   */
  addWarningListener(listener: WarningListener): void {
    this.#warnings.add(listener);
  }

  #warn(message: string, level?: 'warn' | 'info'): void {
    this.#warnings.warn(message, level);
  }
}
