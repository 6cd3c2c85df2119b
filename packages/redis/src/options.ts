import { ZenotiAuthError } from '@zenoti-auth/core';

/**
 * An `ioredis` client (`new Redis(…)`). Only the shape used for detection is spelled out here, so this
 * package does not depend on ioredis' own types; the constructor checks the rest.
 */
export interface IoRedisLike {
  /** ioredis' connection status (`'ready'`, `'reconnecting'`, …). */
  readonly status: string;
  duplicate(...args: never[]): unknown;
  eval(...args: never[]): unknown;
}

/** A `redis` (node-redis v4, v5 or v6) client from `createClient()`, connected by you. */
export interface NodeRedisLike {
  readonly isOpen: boolean;
  readonly isReady?: boolean;
  duplicate(...args: never[]): unknown;
  sendCommand(...args: never[]): unknown;
}

/** Either supported Redis client. */
export type RedisClientLike = IoRedisLike | NodeRedisLike;

export interface RedisTokenStoreOptions {
  /**
   * The Redis client to use: an `ioredis` instance or a connected `redis` (node-redis) client. It is
   * shared, never closed by the store; a second connection (`duplicate()`) is opened for the lock's
   * release notifications and closed by `close()`.
   */
  client: RedisClientLike;
  /** Put before every key and channel name. @default 'zenoti-auth:' */
  prefix?: string;
  /**
   * Lease of the cross-process lock. A holder renews it while it works (up to the time the engine
   * asked for); a crashed holder's lock expires after this long. @default the engine's value (30 s)
   */
  lockTtlMs?: number;
  /** Longest wait for a lock held by another process before giving up (the engine may end it sooner). @default 30_000 */
  waitTimeoutMs?: number;
  /** Time limit of one Redis command; past it the call fails (the engine carries on without the store). @default 1_000 */
  commandTimeoutMs?: number;
  /**
   * Encrypts token sets at rest (AES-256-GCM): a string of at least 32 characters (the key is derived
   * with HKDF-SHA-256) or exactly 32 random bytes. Without it, tokens are stored in plain text.
   */
  encryptionKey?: string | Uint8Array;
  /** Receives the store's warnings (never a secret). @default console.warn */
  onWarning?: (message: string) => void;
}

/** Options after validation. Internal. */
export interface ResolvedStoreOptions {
  prefix: string;
  lockTtlMs: number | undefined;
  waitTimeoutMs: number;
  commandTimeoutMs: number;
  encryptionKey: string | Uint8Array | undefined;
  onWarning: (message: string) => void;
}

export const DEFAULT_PREFIX = 'zenoti-auth:';
const KNOWN = new Set([
  'client',
  'prefix',
  'lockTtlMs',
  'waitTimeoutMs',
  'commandTimeoutMs',
  'encryptionKey',
  'onWarning',
]);
/** A day: longer leases or waits are surely a unit mistake (seconds for milliseconds…). */
const MAX_MS = 86_400_000;

export function invalid(field: string, problem: string): never {
  throw new ZenotiAuthError('INVALID_OPTIONS', `[@zenoti-auth/redis] Invalid option "${field}": ${problem}`, {
    field,
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : typeof value;
}

function ms(value: unknown, field: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    invalid(field, `must be a finite number of milliseconds, got ${describe(value)}.`);
  }
  if (value < min || value > MAX_MS) invalid(field, `must be between ${min} and ${MAX_MS}, got ${value}.`);
  return value;
}

function encryptionKey(value: unknown): string | Uint8Array | undefined {
  if (value === undefined) return undefined;
  // The value itself is never shown: it is a secret.
  if (typeof value === 'string') {
    if (value.length < 32) invalid('encryptionKey', 'a string key must have at least 32 characters.');
    return value;
  }
  if (value instanceof Uint8Array) {
    if (value.byteLength !== 32) invalid('encryptionKey', 'a byte key must be exactly 32 bytes long.');
    return new Uint8Array(value);
  }
  return invalid('encryptionKey', `must be a string or a Uint8Array, got ${describe(value)}.`);
}

/** Validates everything but `client` (the adapter checks that) and applies defaults. */
export function resolveStoreOptions(options: unknown): ResolvedStoreOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    invalid('options', `must be an object with at least "client", got ${describe(options)}.`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) invalid(key, 'is not an option of RedisTokenStore.');
  }
  const prefix = o.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string') invalid('prefix', `must be a string, got ${describe(prefix)}.`);
  if (prefix.length > 200 || /\s/.test(prefix)) {
    invalid('prefix', 'must be at most 200 characters, without whitespace.');
  }
  const onWarning = o.onWarning ?? ((message: string) => console.warn(message));
  if (typeof onWarning !== 'function')
    invalid('onWarning', `must be a function, got ${describe(onWarning)}.`);
  return {
    prefix,
    lockTtlMs: ms(o.lockTtlMs, 'lockTtlMs', 100),
    waitTimeoutMs: ms(o.waitTimeoutMs, 'waitTimeoutMs', 0) ?? 30_000,
    commandTimeoutMs: ms(o.commandTimeoutMs, 'commandTimeoutMs', 10) ?? 1_000,
    encryptionKey: encryptionKey(o.encryptionKey),
    onWarning: onWarning as (message: string) => void,
  };
}
