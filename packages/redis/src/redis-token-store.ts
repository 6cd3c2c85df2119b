import type { TokenSet, TokenStore, TokenStoreLockOptions } from '@zenoti-auth/core';
import { createDriver, type RedisDriver } from './client-adapter.ts';
import { TokenSetCodec } from './codec.ts';
import { createCipher } from './crypto.ts';
import { storeError } from './errors.ts';
import { acquireLock, type LockSettings, type RedisTokenStoreLock } from './lock.ts';
import { type RedisTokenStoreOptions, type ResolvedStoreOptions, resolveStoreOptions } from './options.ts';
import { ReleaseChannel } from './release-channel.ts';
import { DELETE_IF_VERSION, SET_IF_NOT_OLDER } from './scripts.ts';

/** Shown once per store created without `encryptionKey`. */
export const PLAIN_TEXT_WARNING =
  '[@zenoti-auth/redis] Token sets are stored in Redis in plain text: anyone who can read this Redis ' +
  'can use the Zenoti tokens. Pass `encryptionKey` to encrypt them at rest (AES-256-GCM).';

/** Most keys whose unreadable value was already reported (a warning per key, not per read). */
const REPORTED_LIMIT = 1_000;
const DEFAULT_LOCK_TTL_MS = 30_000;
const LOCK_SUFFIX = ':lock';

/**
 * A `TokenStore` on Redis: one token set, one refresh and one lock for a whole fleet of processes.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { ZenotiAuth } from '@zenoti-auth/core';
 * import { RedisTokenStore } from '@zenoti-auth/redis';
 *
 * const store = new RedisTokenStore({ client: new Redis(process.env.REDIS_URL!), encryptionKey: process.env.TOKEN_KEY });
 * const zenoti = new ZenotiAuth({ app, user, store });
 */
export class RedisTokenStore implements TokenStore {
  /** Lives outside this process: the engine keeps a last-known copy for when Redis is down. */
  readonly local = false;
  readonly #o: ResolvedStoreOptions;
  readonly #driver: RedisDriver;
  readonly #codec: TokenSetCodec;
  readonly #channel: ReleaseChannel;
  readonly #lock: LockSettings;
  readonly #reported = new Set<string>();
  /** Reads in flight, by Redis key: shared by concurrent callers, dropped by any write of ours. */
  readonly #reads = new Map<string, Promise<TokenSet | undefined>>();

  constructor(options: RedisTokenStoreOptions) {
    this.#o = resolveStoreOptions(options);
    this.#driver = createDriver(options.client, this.#o.commandTimeoutMs);
    const key = this.#o.encryptionKey;
    this.#codec = new TokenSetCodec(key === undefined ? undefined : createCipher(key));
    this.#o.encryptionKey = undefined; // the cipher holds its own copy; nothing else keeps the secret
    this.#channel = new ReleaseChannel(this.#driver, `${this.#o.prefix}lock-released`, (m) => this.#warn(m));
    this.#lock = {
      driver: this.#driver,
      channel: this.#channel,
      peek: (redisKey) => this.#shared(redisKey),
      leaseMs: this.#o.lockTtlMs,
      waitTimeoutMs: this.#o.waitTimeoutMs,
    };
    if (!this.#codec.encrypted) this.#warn(PLAIN_TEXT_WARNING);
  }

  /** The Redis key of a store key: `prefix + key`. */
  redisKey(key: string): string {
    return `${this.#o.prefix}${key}`;
  }

  /**
   * Reads a token set. Concurrent reads of one key share one Redis GET (a burst of callers costs one
   * round trip); a value that cannot be read (wrong key, tampered, not a token set) is absent + warning.
   */
  get(key: string): Promise<TokenSet | undefined> {
    return this.#shared(this.redisKey(key));
  }

  #shared(redisKey: string): Promise<TokenSet | undefined> {
    let read = this.#reads.get(redisKey);
    if (!read) {
      const started = this.#read(redisKey).finally(() => {
        if (this.#reads.get(redisKey) === started) this.#reads.delete(redisKey);
      });
      // A caller may drop this promise (the engine's synchronous fast path does): its failure must
      // not become an unhandled rejection; callers that await it still see the error.
      started.catch(() => undefined);
      this.#reads.set(redisKey, started);
      read = started;
    }
    return read;
  }

  async #read(redisKey: string): Promise<TokenSet | undefined> {
    const raw = await this.#driver.get(redisKey);
    if (raw === null) return undefined;
    const decoded = await this.#codec.decode(redisKey, raw);
    if (decoded.ok) {
      this.#reported.delete(redisKey);
      return decoded.set;
    }
    this.#report(redisKey, decoded.problem);
    return undefined;
  }

  /** Stores `value` for `ttlMs`, unless Redis holds a set of a higher version (monotonic, atomic). */
  async set(key: string, value: TokenSet, ttlMs: number): Promise<void> {
    if (!Number.isSafeInteger(value?.version)) {
      throw storeError('A token set needs a whole-number "version".');
    }
    const redisKey = this.redisKey(key);
    this.#reads.delete(redisKey); // a read that started before this write must not be shared after it
    const ttl = Number.isFinite(ttlMs) ? Math.max(1, Math.ceil(ttlMs)) : 1;
    const [envelope, keyId] = await Promise.all([this.#codec.encode(redisKey, value), this.#codec.keyId()]);
    try {
      await this.#driver.eval(
        SET_IF_NOT_OLDER,
        [redisKey],
        [envelope, String(value.version), String(ttl), keyId],
      );
    } finally {
      this.#reads.delete(redisKey);
    }
  }

  /** Deletes the set; with `ifVersion`, only while the stored set still has that version. */
  async delete(key: string, ifVersion?: number): Promise<void> {
    const version = ifVersion === undefined ? '' : String(ifVersion);
    const redisKey = this.redisKey(key);
    this.#reads.delete(redisKey);
    try {
      await this.#driver.eval(DELETE_IF_VERSION, [redisKey], [version, await this.#codec.keyId()]);
    } finally {
      this.#reads.delete(redisKey);
    }
  }

  /**
   * Takes the cross-process lock (`SET NX PX`), waiting for another holder's release if needed.
   * Resolves `undefined` when it could not be had within `waitTimeoutMs` or before `signal` fired,
   * and at once when the holder has meanwhile stored a fresh token set under the locked key
   * (`<key>` for `<key>:lock`): the engine re-reads and uses it. Rejects when Redis is unreachable.
   */
  lock(key: string, options: TokenStoreLockOptions): Promise<RedisTokenStoreLock | undefined> {
    const ttlMs = Number.isFinite(options?.ttlMs) && options.ttlMs > 0 ? options.ttlMs : DEFAULT_LOCK_TTL_MS;
    // The engine locks `<token-set key>:lock`: a waiter watches that token set for a renewal.
    const watched = key.endsWith(LOCK_SUFFIX) ? this.redisKey(key.slice(0, -LOCK_SUFFIX.length)) : undefined;
    return acquireLock(this.#lock, this.redisKey(key), watched, {
      ttlMs,
      ...(options?.signal ? { signal: options.signal } : {}),
    });
  }

  /** Closes the connection opened for release notifications. The `client` you passed stays open. */
  close(): Promise<void> {
    return this.#channel.close();
  }

  /** Safe to log: no secret. */
  toJSON(): Record<string, unknown> {
    return {
      type: 'RedisTokenStore',
      client: this.#driver.kind,
      prefix: this.#o.prefix,
      encrypted: this.#codec.encrypted,
      lockTtlMs: this.#o.lockTtlMs ?? null,
      waitTimeoutMs: this.#o.waitTimeoutMs,
      commandTimeoutMs: this.#o.commandTimeoutMs,
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RedisTokenStore ${JSON.stringify(this.toJSON())}`;
  }

  #report(redisKey: string, problem: string): void {
    if (this.#reported.has(redisKey)) return;
    if (this.#reported.size >= REPORTED_LIMIT) this.#reported.clear();
    this.#reported.add(redisKey);
    this.#warn(`[@zenoti-auth/redis] The value under "${redisKey}" ${problem}; treated as absent.`);
  }

  #warn(message: string): void {
    try {
      this.#o.onWarning(message);
    } catch {
      // A failing warning sink must not break the store.
    }
  }
}
