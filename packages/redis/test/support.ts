import { randomUUID } from 'node:crypto';
import type { ZenotiAuthOptions } from '@zenoti-auth/core';
import { serviceUserLogin, testResources } from '@zenoti-auth/test-support';
import { Redis } from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import { createClient } from 'redis';
import { RedisTokenStore, type RedisTokenStoreOptions } from '../src/index.ts';

export { D, type Zenoti } from '@zenoti-auth/test-support';
export const REDIS_HOST = '127.0.0.1';
export const REDIS_PORT = 6379;

export type ClientKind = 'ioredis' | 'node-redis';
export const CLIENT_KINDS: readonly ClientKind[] = ['ioredis', 'node-redis'];
export type NodeRedisClient = ReturnType<typeof createClient>;

/** Everything a test opened, closed after it (most recent first, best effort: a failed cleanup is ignored). */
const opened = testResources({ order: 'newest-first', ignoreErrors: true });
export const onCleanup = opened.onCleanup;

/** A mock Zenoti on a free loopback port, closed after the test. Rate limit off unless asked for. */
export const zenoti = opened.zenoti;

/** A prefix no other test (or run) uses; its keys are deleted after the test. */
export function uniquePrefix(port = REDIS_PORT): string {
  const prefix = `zenoti-auth-test:${randomUUID()}:`;
  onCleanup(() => deletePrefix(prefix, port));
  return prefix;
}

/**
 * The ioredis majors of the peer range (`^5 || ^6`), each by its constructor: the store contract and
 * the engine tests run on every one (ioredis 6 is the devDependency alias `ioredis6`).
 */
export const IOREDIS_MAJORS = [
  ['ioredis 5', Redis],
  ['ioredis 6', Redis6],
] as const;
export type IoredisConstructor = (typeof IOREDIS_MAJORS)[number][1];

/** An ioredis client on 127.0.0.1 (ioredis 5 unless `Client` says which), closed after the test. */
export function ioredis<C extends IoredisConstructor = typeof Redis>(
  port = REDIS_PORT,
  extra: Record<string, unknown> = {},
  Client: C = Redis as C,
): InstanceType<C> {
  // Both majors take the same options; TypeScript cannot call a union of their constructors.
  const Ctor = Client as unknown as new (options: Record<string, unknown>) => InstanceType<C>;
  const client = new Ctor({ host: REDIS_HOST, port, maxRetriesPerRequest: 1, ...extra });
  client.on('error', () => undefined);
  onCleanup(async () => client.disconnect());
  return client;
}

/** A connected node-redis client on 127.0.0.1, closed after the test. */
export async function nodeRedis(port = REDIS_PORT): Promise<NodeRedisClient> {
  const client = createClient({
    socket: { host: REDIS_HOST, port, reconnectStrategy: (retries) => Math.min(retries * 100, 1_000) },
  });
  client.on('error', () => undefined);
  await client.connect();
  onCleanup(async () => client.destroy());
  return client;
}

export async function client(kind: ClientKind, port = REDIS_PORT): Promise<Redis | NodeRedisClient> {
  return kind === 'ioredis' ? ioredis(port) : nodeRedis(port);
}

/** A store whose warnings are collected instead of printed. Closed after the test. */
export function redisStore(
  options: RedisTokenStoreOptions,
  warnings: string[] = [],
): { store: RedisTokenStore; warnings: string[] } {
  const store = new RedisTokenStore({ onWarning: (message) => warnings.push(message), ...options });
  onCleanup(() => store.close());
  return { store, warnings };
}

/** The store key of a token set's Redis key, `prefix{key}` (see `keysOf` in src/keys.ts). */
export function storeKeyOf(prefix: string, redisKey: string): string {
  return redisKey.slice(prefix.length).replace(/^\{(.*)\}$/, '$1');
}

/** Every key under `prefix`, by SCAN (bounded). */
export async function keysUnder(prefix: string, port = REDIS_PORT): Promise<string[]> {
  const admin = new Redis({ host: REDIS_HOST, port, maxRetriesPerRequest: 1, lazyConnect: true });
  admin.on('error', () => undefined);
  try {
    const keys: string[] = [];
    let cursor = '0';
    for (let round = 0; round < 10_000; round++) {
      const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
      if (cursor === '0') break;
    }
    return keys;
  } finally {
    admin.disconnect();
  }
}

export async function deletePrefix(prefix: string, port = REDIS_PORT): Promise<void> {
  const keys = await keysUnder(prefix, port);
  if (keys.length === 0) return;
  const admin = new Redis({ host: REDIS_HOST, port, maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
  try {
    await admin.del(...keys);
  } finally {
    admin.disconnect();
  }
}

/** Engine options for the mock's demo employee app and service user (no store: tests pass a Redis one). */
export function serviceUser(url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions {
  return { ...serviceUserLogin(url), ...extra } as ZenotiAuthOptions;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it is true; throws after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 25,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(everyMs);
  }
}
