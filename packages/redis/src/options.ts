import { invalidOption } from '@zenoti-auth/core';
import type { TokenSetCipher } from '@zenoti-auth/core/encryption';
import {
  DAY_MS,
  durationRule,
  type OptionTable,
  resolveOptions,
  STORE_OPTION_RULES,
} from '@zenoti-auth/core/shared-store';
import { CLIENT_EXPECTED, isClientOrUrl } from './link.ts';

/** The options of a Redis connection, the store's and the budget's alike: the client, the key prefix, the time limit of a command. */
export const CONNECTION_OPTION_RULES = {
  client: { test: isClientOrUrl, expected: CLIENT_EXPECTED },
  prefix: {
    test: (value: string) => typeof value === 'string' && value.length <= 200 && !/\s/.test(value),
    expected: 'a string of at most 200 characters, without whitespace',
    default: 'zenoti-auth:',
  },
  commandTimeoutMs: durationRule(10, 1_000),
} satisfies OptionTable;

/**
 * An `ioredis` client (`new Redis(…)`, `new Cluster(…)`). Only the shape used for detection is spelled
 * out here, so this package does not depend on ioredis' own types; the constructor checks the rest.
 */

/** Every field of `T` given (an option left `undefined` gets its default). */
type Given<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };
export interface IoRedisLike {
  /** ioredis' connection status (`'ready'`, `'reconnecting'`, …). */
  readonly status: string;
  duplicate(...args: never[]): unknown;
  call(...args: never[]): unknown;
}

/**
 * A `redis` (node-redis v4, v5 or v6) client from `createClient()`, `createCluster()` or
 * `createSentinel()` (which has no `duplicate()`), connected by you.
 */
export interface NodeRedisLike {
  readonly isOpen: boolean;
  readonly isReady?: boolean;
  duplicate?(...args: never[]): unknown;
  sendCommand(...args: never[]): unknown;
}

/** Either supported Redis client. */
export type RedisClientLike = IoRedisLike | NodeRedisLike;

export interface RedisTokenStoreOptions {
  /**
   * The Redis client to use: an `ioredis` instance or a connected `redis` (node-redis) client, shared
   * and never closed by the store; or a Redis URL (`redis://…`, `rediss://…`): then the store creates
   * a client of its own (ioredis when installed, else node-redis) and `close()` closes it. The store
   * listens to the client's `error` events to name the cause in its warnings. A second connection
   * (`duplicate()`) is opened for the lock's release notifications and closed by `close()`.
   */
  client: RedisClientLike | string;
  /** Put before every key and channel name. @default 'zenoti-auth:' */
  prefix?: string | undefined;
  /**
   * Lease of the cross-process lock. A holder renews it while it works (up to the time the engine
   * asked for); a crashed holder's lock expires after this long. @default the engine's value (30 s)
   */
  lockTtlMs?: number | undefined;
  /** Longest wait for a lock held by another process before giving up (the engine may end it sooner). @default 30_000 */
  waitTimeoutMs?: number | undefined;
  /** Time limit of one Redis command; past it the call fails (the engine carries on without the store). @default 1_000 */
  commandTimeoutMs?: number | undefined;
  /**
   * Encrypts token sets at rest: `encryption(key)` from `@zenoti-auth/redis/encryption` (AES-256-GCM).
   * Without it, tokens are stored in plain text (and the store warns once).
   */
  encryption?: TokenSetCipher | undefined;
  /**
   * Receives the store's warnings (never a secret), in place of the engines that use it.
   * @default as `warning` events (`source: 'store'`) to the first engine using the store that
   * listens (one line per warning, however many engines share it), else `console.warn`
   */
  onWarning?: ((message: string) => void) | undefined;
  /**
   * Confirms the refresh lock and each new token set on replicas (Redis `WAIT`) before they count:
   * a lock no replica has may vanish in a failover, and two processes could then both refresh. A
   * lock not confirmed by `replicas` within `timeoutMs` is given back (no refresh token is spent
   * meanwhile); a set not confirmed is still used, with a warning. Costs one replication round trip
   * per refresh. For a primary with replicas (Sentinel, Cluster); pair it with `min-replicas-to-write`.
   * @default off
   */
  waitForReplicas?: { replicas: number; timeoutMs?: number | undefined } | undefined;
}

/** `waitForReplicas` after validation: `timeoutMs` given. */
export interface ReplicaWait {
  replicas: number;
  timeoutMs: number;
}

/** Options after validation. Internal. */
export interface ResolvedStoreOptions
  extends Given<Omit<RedisTokenStoreOptions, 'lockTtlMs' | 'encryption' | 'waitForReplicas' | 'onWarning'>> {
  onWarning?: (message: string) => void;
  lockTtlMs?: number;
  encryption?: TokenSetCipher;
  waitForReplicas?: ReplicaWait;
}

/** What each option must be, and its default: core's rules of every shared store, and Redis' own. */
const STORE_TABLE: OptionTable = {
  ...CONNECTION_OPTION_RULES,
  ...STORE_OPTION_RULES,
  encryption: {
    ...STORE_OPTION_RULES.encryption,
    expected: 'a TokenSetCipher, such as encryption(key) from @zenoti-auth/redis/encryption',
  },
  waitForReplicas: {
    test: (value?: Record<string, unknown>) =>
      value instanceof Object &&
      Object.keys(value).every((k) => k === 'replicas' || k === 'timeoutMs') &&
      Number.isInteger(value.replicas) &&
      (value.replicas as number) >= 1 &&
      (value.replicas as number) <= 100 &&
      (value.timeoutMs === undefined ||
        (typeof value.timeoutMs === 'number' && value.timeoutMs >= 1 && value.timeoutMs <= DAY_MS)),
    expected: '{ replicas: a whole number from 1 to 100, timeoutMs?: a number of milliseconds }',
  },
};

/**
 * Validates the options and applies defaults (`STORE_TABLE`, on core's option table). Every mistake
 * is `INVALID_OPTIONS` naming the option, `[@zenoti-auth/redis] Option "<field>" <problem>.`; the
 * value itself is never shown (it may be a secret), except a number.
 */
export function resolveStoreOptions(options: RedisTokenStoreOptions): ResolvedStoreOptions {
  const resolved = resolveOptions('redis', 'RedisTokenStore', options, STORE_TABLE, {
    required: 'client',
    shape: 'an object with at least "client"',
  }) as unknown as ResolvedStoreOptions & { waitForReplicas?: RedisTokenStoreOptions['waitForReplicas'] };
  const replicas = resolved.waitForReplicas;
  if (replicas) {
    const { commandTimeoutMs } = resolved;
    // WAIT must answer within the command's own time limit.
    const timeoutMs = replicas.timeoutMs ?? Math.min(200, Math.floor(commandTimeoutMs / 2));
    if (timeoutMs >= commandTimeoutMs)
      throw invalidOption(
        'redis',
        'waitForReplicas.timeoutMs',
        `must be below commandTimeoutMs (${commandTimeoutMs})`,
      );
    resolved.waitForReplicas = { replicas: replicas.replicas, timeoutMs };
  }
  return resolved;
}
