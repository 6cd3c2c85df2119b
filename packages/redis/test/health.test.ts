import { ZenotiAuth } from '@zenoti-auth/core';
import { healthOf } from '@zenoti-auth/core/health';
import { afterEach, describe, expect, it } from 'vitest';
import { PrivateRedis } from './redis-server.ts';
import { D, ioredis, redisStore, serviceUser, uniquePrefix, until, zenoti } from './support.ts';

let redis: PrivateRedis | undefined;
afterEach(async () => {
  await redis?.stop(); // the private server only; the shared one on 6379 is never touched
  redis = undefined;
});

describe('health() with a RedisTokenStore', () => {
  it('ok while Redis answers; degraded (store unreachable, token in hand) when it stops; ok when it is back', async () => {
    redis = await PrivateRedis.start();
    const z = await zenoti();
    const { store } = redisStore({
      client: ioredis(redis.port),
      prefix: uniquePrefix(redis.port),
      commandTimeoutMs: 300,
    });
    const auth = new ZenotiAuth(serviceUser(z.url, { store, onEvent: () => undefined }));
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect(await healthOf(auth)).toMatchObject({
      status: 'ok',
      checks: { store: { status: 'ok', reachable: true, shared: true }, token: { present: true } },
    });

    await redis.stop();
    const started = Date.now();
    const down = await healthOf(auth);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(down).toMatchObject({
      ok: true,
      status: 'degraded',
      checks: {
        credential: { status: 'ok' },
        token: { present: true },
        store: { status: 'degraded', reachable: false, lastError: { message: expect.any(String) } },
      },
    });
    expect((await auth.fetch('/v1/centers')).status).toBe(200); // the engine rides it out
    expect(JSON.stringify(down)).not.toContain(D.employee.password);

    await redis.start();
    await until(async () => (await healthOf(auth)).checks.store?.reachable === true, 10_000, 'Redis back');
    expect((await healthOf(auth)).status).toBe('ok');
    const { token, resources } = z.control.counters();
    expect(token.total + resources.total).toBe(3); // the sign-in and the two reads, nothing for health()
  }, 30_000);
});
