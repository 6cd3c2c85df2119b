import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { tokenSet } from './contract.ts';
import { PrivateRedis } from './redis-server.ts';
import {
  CLIENT_KINDS,
  client,
  ioredis,
  keysUnder,
  onCleanup,
  REDIS_HOST,
  REDIS_PORT,
  redisStore,
  sleep,
  uniquePrefix,
} from './support.ts';

describe.each(CLIENT_KINDS)('the Redis lock (%s)', (kind) => {
  const twoStores = async (extra: { lockTtlMs?: number; waitTimeoutMs?: number } = {}) => {
    const prefix = uniquePrefix();
    // Two stores on two connections: as two processes would be.
    const a = redisStore({ client: await client(kind), prefix, ...extra }).store;
    const b = redisStore({ client: await client(kind), prefix, ...extra }).store;
    return { prefix, a, b };
  };

  it('is SET NX PX on prefix + key, with a random owner and the lease as TTL', async () => {
    const { prefix, a } = await twoStores({ lockTtlMs: 5_000 });
    const lock = await a.lock('k:lock', { ttlMs: 30_000 });
    const admin = ioredis();
    const owner = await admin.get(`${prefix}{k}:lock`);
    expect(owner).toMatch(/^[0-9a-f-]{36}$/);
    const pttl = await admin.pttl(`${prefix}{k}:lock`);
    expect(pttl).toBeGreaterThan(4_000);
    expect(pttl).toBeLessThanOrEqual(5_000);
    await lock?.release();
    expect(await admin.exists(`${prefix}{k}:lock`)).toBe(0);
  });

  it("uses the engine's ttlMs when no lockTtlMs is configured", async () => {
    const { prefix, a } = await twoStores();
    const lock = await a.lock('k:lock', { ttlMs: 12_000 });
    expect(await ioredis().pttl(`${prefix}{k}:lock`)).toBeGreaterThan(11_000);
    await lock?.release();
  });

  it("announces a release on the release channel (the waiters' wake-up call)", async () => {
    const { prefix, a } = await twoStores();
    const listener = new Redis({ host: REDIS_HOST, port: REDIS_PORT });
    listener.on('error', () => undefined);
    const messages: string[] = [];
    listener.on('message', (_channel: string, message: string) => messages.push(message));
    await listener.subscribe(`${prefix}lock-released`);
    try {
      const lock = await a.lock('k:lock', { ttlMs: 10_000 });
      await lock?.release();
      for (let i = 0; i < 40 && messages.length === 0; i++) await sleep(25);
      expect(messages).toEqual([`${prefix}{k}:lock`]);
    } finally {
      listener.disconnect();
    }
  });

  it('gives up after waitTimeoutMs with undefined (the engine then refreshes in-process)', async () => {
    const { a, b } = await twoStores({ waitTimeoutMs: 300 });
    const held = await a.lock('k:lock', { ttlMs: 10_000 });
    const started = Date.now();
    expect(await b.lock('k:lock', { ttlMs: 10_000 })).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(1_500);
    await held?.release();
  });

  it('stops waiting as soon as the signal fires', async () => {
    const { a, b } = await twoStores();
    const held = await a.lock('k:lock', { ttlMs: 10_000 });
    const started = Date.now();
    expect(await b.lock('k:lock', { ttlMs: 10_000, signal: AbortSignal.timeout(200) })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
    await held?.release();
  });

  it("lets only its owner release or extend it; an expired holder cannot free the next one's lock", async () => {
    const { prefix, a, b } = await twoStores({ lockTtlMs: 200 });
    // ttlMs 200 too: no renewal beyond the lease, as for a holder that froze.
    const first = await a.lock('k:lock', { ttlMs: 200 });
    await sleep(400);
    const second = await b.lock('k:lock', { ttlMs: 10_000, signal: AbortSignal.timeout(2_000) });
    expect(second).toBeDefined();
    expect(await first?.extend(5_000)).toBe(false);
    await first?.release();
    expect(await ioredis().exists(`${prefix}{k}:lock`)).toBe(1);
    expect(await second?.extend(5_000)).toBe(true);
    await second?.release();
  });

  it("renews its lease while held, up to the engine's ttlMs; a crashed holder's lock just expires", async () => {
    const { prefix, a } = await twoStores({ lockTtlMs: 300 });
    const admin = ioredis();
    const held = await a.lock('k:lock', { ttlMs: 5_000 });
    await sleep(900); // three leases
    expect(await admin.exists(`${prefix}{k}:lock`)).toBe(1);
    await held?.release();
    // A holder that never releases (it "crashed" after 1 lease: no renewal allowed past ttlMs).
    await a.lock('gone:lock', { ttlMs: 300 });
    await sleep(700);
    expect(await admin.exists(`${prefix}{gone}:lock`)).toBe(0);
  });

  it('lets a waiter go without the lock once the holder has stored a fresh token set', async () => {
    const { a, b } = await twoStores();
    await a.set('k', tokenSet(1), 60_000);
    const held = await a.lock('k:lock', { ttlMs: 10_000 });
    const waiting = b.lock('k:lock', { ttlMs: 10_000, signal: AbortSignal.timeout(5_000) });
    await sleep(150);
    await a.set('k', tokenSet(2), 60_000); // the holder's refresh; it keeps the lock a while longer
    const started = Date.now();
    expect(await waiting).toBeUndefined(); // the engine re-reads and finds version 2
    expect(Date.now() - started).toBeLessThan(500);
    expect((await b.get('k'))?.version).toBe(2);
    await held?.release();
  });

  it('still takes the lock when the set stored meanwhile is already old (the engine decides under it)', async () => {
    const { a, b } = await twoStores();
    const held = await a.lock('k:lock', { ttlMs: 10_000 });
    const waiting = b.lock('k:lock', { ttlMs: 10_000, signal: AbortSignal.timeout(5_000) });
    await sleep(150);
    const now = Date.now();
    // Obtained 40 min ago, expires in 20 min: past half its life.
    await a.set(
      'k',
      tokenSet(2, { obtainedAt: now - 2_400_000, accessTokenExpiresAt: now + 1_200_000 }),
      60_000,
    );
    await held?.release();
    const lock = await waiting;
    expect(lock).toBeDefined();
    await lock?.release();
  });

  it('gives back a lock whose SET ran only after the call had timed out', async () => {
    // A Redis of its own, so that pausing its writes disturbs nobody else.
    const redis = await PrivateRedis.start();
    onCleanup(() => redis.stop());
    const prefix = uniquePrefix(redis.port);
    const { store } = redisStore({ client: await client(kind, redis.port), prefix, commandTimeoutMs: 100 });
    const admin = ioredis(redis.port);
    await admin.call('CLIENT', 'PAUSE', '400', 'WRITE'); // SET NX waits in Redis past our time limit
    await expect(store.lock('k:lock', { ttlMs: 10_000 })).rejects.toMatchObject({ code: 'STORE' });
    await sleep(700); // the SET ran when the pause ended (and took the lock); it was handed back
    expect(await admin.exists(`${prefix}{k}:lock`)).toBe(0);
    const lock = await store.lock('k:lock', { ttlMs: 10_000, signal: AbortSignal.timeout(1_000) });
    expect(lock).toBeDefined();
    await lock?.release();
  });

  it('once seen held elsewhere, a Redis that then fails means "held elsewhere" (undefined), never "no lock"', async () => {
    const redis = await PrivateRedis.start();
    onCleanup(() => redis.stop());
    const prefix = uniquePrefix(redis.port);
    const holder = redisStore({ client: await client(kind, redis.port), prefix }).store;
    const waiter = redisStore({
      client: await client(kind, redis.port),
      prefix,
      commandTimeoutMs: 200,
    }).store;
    expect(await holder.lock('k:lock', { ttlMs: 10_000 })).toBeDefined();
    const waiting = waiter.lock('k:lock', { ttlMs: 10_000, signal: AbortSignal.timeout(5_000) });
    await sleep(300); // the waiter has seen the lock held
    await redis.stop();
    expect(await waiting).toBeUndefined();
    // Never seen held: a failure is a failure (the engine then spends no refresh token either).
    await expect(waiter.lock('other:lock', { ttlMs: 10_000 })).rejects.toMatchObject({ code: 'STORE' });
  });

  it('rejects (it does not hang) when Redis cannot be reached', async () => {
    const prefix = uniquePrefix();
    const unreachable = ioredis(1, { lazyConnect: true, retryStrategy: () => null });
    const { store } = redisStore({ client: unreachable, prefix, commandTimeoutMs: 200 });
    const started = Date.now();
    await expect(store.lock('k:lock', { ttlMs: 10_000 })).rejects.toMatchObject({ code: 'STORE' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await keysUnder(prefix)).toEqual([]);
  });
});
