/**
 * What the fleet benchmarks (#5, #9, #11) share: the worker scripts they fork with the harness of
 * @zenoti-auth/test-support/fleet (the Redis tests' own fleet workers, and #9's Bottleneck side), a
 * unique key prefix, and the machine's Redis, checked before and emptied of the run's keys after.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../packages/redis/test/fixtures/${name}`, import.meta.url));

/** One process of a token fleet: a service user's engine on RedisTokenStore (or a MemoryTokenStore). */
export const FLEET_WORKER = fixture('fleet-worker.mjs');
/** One process of a rate fleet: an API-key engine with a RedisRateBudget, or without a budget. */
export const RATE_FLEET_WORKER = fixture('rate-fleet-worker.mjs');
/** One process of #9's Bottleneck side: plain fetch behind Bottleneck's Redis cluster mode. */
export const BOTTLENECK_WORKER = fileURLToPath(new URL('./bottleneck-worker.mjs', import.meta.url));

/** The machine's Redis, which the fleet benchmarks run on. */
export const REDIS_PORT = 6379;

/** A name no other run uses (pid, time, random), for key prefixes and limiter ids. */
export const runName = (): string => `${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`;

/** A client of the machine's Redis, connected; throws a clear error when Redis is not running. */
export async function openRedis(): Promise<Redis> {
  const redis = new Redis({
    host: '127.0.0.1',
    port: REDIS_PORT,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis is not reachable at 127.0.0.1:${REDIS_PORT}: ${(error as Error).message}`);
  }
}

/** Deletes every key under `prefix` (SCAN, not KEYS); returns how many there were. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
