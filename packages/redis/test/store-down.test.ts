import { ZenotiAuth } from '@zenoti-auth/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PrivateRedis } from './redis-server.ts';
import { CLIENT_KINDS, client, redisStore, serviceUser, uniquePrefix, zenoti } from './support.ts';

let redis: PrivateRedis | undefined;
afterEach(async () => {
  await redis?.stop(); // the private server only; the shared one on 6379 is never touched
  redis = undefined;
});

describe.each(CLIENT_KINDS)('one process whose Redis is down (%s)', (kind) => {
  it('a token killed at Zenoti, 50 callers: 1 token call, 0 failures, no refresh token sent, 5 rounds in a row', async () => {
    redis = await PrivateRedis.start();
    const z = await zenoti({ refreshReuse: 'end-session' });
    const { store } = redisStore({
      client: await client(kind, redis.port),
      prefix: uniquePrefix(redis.port),
      commandTimeoutMs: 300,
    });
    const auth = new ZenotiAuth(serviceUser(z.url, { store }));
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    await redis.stop();
    for (let round = 1; round <= 5; round++) {
      z.control.expireAccessTokens(); // dead at Zenoti; the engine believes it alive
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () =>
          auth.fetch('/v1/centers').then(
            (response) => response.status,
            (error: { code?: string }) => error.code,
          ),
        ),
      );
      expect(outcomes.filter((o) => o !== 200)).toEqual([]);
      const { token } = z.control.counters();
      expect(token.total).toBe(1 + round); // one sign-in per round for all 50 callers
      expect(token.password.ok).toBe(1 + round);
      expect(token.refresh.ok + token.refresh.rejected).toBe(0); // no refresh token without the lock
    }
    expect(z.control.counters().token.refreshReused).toBe(0);
  }, 60_000);
});
