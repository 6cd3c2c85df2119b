import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createNestDemo, type NestDemo } from '../src/demo.ts';
import { REDIS } from '../src/redis.module.ts';
import { get, mockZenoti, tokenEnv } from './support.ts';

// The fleet mode (REDIS_URL): RedisTokenStore and RedisRateBudget provided through Nest's DI, on a
// real Redis at 127.0.0.1:6379 under a prefix of this test's own.
const REDIS_URL = 'redis://127.0.0.1:6379';
const opened: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

/** A token set's key is `<prefix>{<key>}`; its lock and guard add `:lock`, `:guard`. */
const isTokenSet = (key: string): boolean => key.endsWith('}');

/** Connections named `name` in Redis' CLIENT LIST, waited for (≤ 2 s) to reach `expected`. */
async function connectionsNamed(admin: Redis, name: string, expected?: number): Promise<number> {
  let count = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    const list = String(await admin.client('LIST'));
    count = list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
    if (expected === undefined || count === expected) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return count;
}

describe('nest-demo on Redis (REDIS_URL)', () => {
  it('shares the token and the budget in Redis; app.close() revokes through the store, then closes store, budget and client', async () => {
    const mock = await mockZenoti();
    const prefix = `nest-demo-test:${randomUUID()}:`;
    const admin = new Redis(REDIS_URL);
    opened.push(async () => {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
    });
    const env = tokenEnv(mock.url, { REDIS_URL, REDIS_PREFIX: prefix });
    const demo: NestDemo = await createNestDemo({ env, port: 0, zenoti: { revokeOnShutdown: true } });
    let closed = false;
    opened.push(async () => {
      if (!closed) await demo.close();
    });
    const client = demo.app.get<Redis>(REDIS);
    const name = `nest-demo:${prefix}`;

    expect((await get(demo.url, '/centers')).status).toBe(200);
    // The token set and the rate budget's window are in Redis, under the prefix.
    const keys = await admin.keys(`${prefix}*`);
    expect(keys.some((key) => key.includes('rate-budget'))).toBe(true);
    expect(keys.filter(isTokenSet)).toHaveLength(1);
    expect(mock.control.counters().token.total).toBe(1);
    expect(client.status).toBe('ready');
    expect(await connectionsNamed(admin, name)).toBeGreaterThanOrEqual(1);

    await demo.close();
    closed = true;
    // The engine revoked its token while the store still worked (its token set is gone from Redis) …
    expect(mock.control.counters().revoke.ok).toBe(1);
    expect((await admin.keys(`${prefix}*`)).filter(isTokenSet)).toEqual([]);
    // … then the client and every connection of the store closed.
    expect(client.status).toBe('end');
    expect(await connectionsNamed(admin, name, 0)).toBe(0);
  });
});
