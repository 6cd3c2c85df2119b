import { type TokenStore, ZenotiAuth, type ZenotiAuthOptions } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import { D, ioredis, keysUnder, redisStore, serviceUser, uniquePrefix, zenoti } from './support.ts';

/** An engine clock the tests move (the mock shares it): pauses of a minute take no real minute. */
function testClock(): { now: () => number; advance: (ms: number) => void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

/**
 * Engines that share only Redis: separate stores on separate connections, nothing shared in
 * memory, as in separate processes.
 */
function fleetOf(
  count: number,
  options: (store: TokenStore) => ZenotiAuthOptions,
  prefix = uniquePrefix(),
): ZenotiAuth[] {
  return Array.from(
    { length: count },
    () => new ZenotiAuth(options(redisStore({ client: ioredis(), prefix }).store)),
  );
}

describe('guards a fleet shares through RedisTokenStore', () => {
  it('a token endpoint’s Retry-After: one 429, then every engine fails fast until it is over', async () => {
    const clock = testClock();
    const z = await zenoti({ now: clock.now });
    const [first, ...others] = fleetOf(4, (store) => serviceUser(z.url, { store, now: clock.now }));
    z.control.injectFault('token', { kind: 'status', status: 429, headers: { 'retry-after': '60' } }, 1);
    await expect(first?.authorization()).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 60_000,
    });
    clock.advance(20_000);
    for (const engine of others) {
      const error = await engine.authorization().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'RATE_LIMITED' });
      // What is left of the 60 s (the clock also moves on by itself).
      expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(35_000);
      expect((error as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(40_000);
    }
    expect(z.control.counters().token.total).toBe(1);
    clock.advance(41_000);
    const headers = await Promise.all(others.map((engine) => engine.authorization()));
    expect(new Set(headers).size).toBe(1);
    expect(z.control.counters().token.total).toBe(2);
  });

  it('a refused refresh token is never sent again by an engine that still holds its set', async () => {
    const clock = testClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: 3_600_000 });
    const [mine, theirs] = fleetOf(2, (store) => ({
      baseUrl: z.url,
      app: { accountName: D.accountName, ...D.guestApp },
      store,
      now: clock.now,
    })) as [ZenotiAuth, ZenotiAuth];
    const guest = D.guests[0] as { username: string; password: string };
    const { principal } = await mine.login({ username: guest.username, password: guest.password });
    // `theirs` reads the session's set, and keeps it in case Redis loses it.
    await theirs.authorization({ principal });
    // Into the refresh window; Zenoti refuses the next refresh token it sees.
    clock.advance(3_600_000 - 120_000);
    z.control.injectFault('token', { kind: 'status', status: 401 }, 1);
    const before = z.control.counters().token.total;
    await expect(mine.authorization({ principal })).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' });
    expect(z.control.counters().token.total).toBe(before + 1);
    // `theirs` finds the session gone from Redis and its own copy still alive: it must not refresh it.
    await expect(theirs.authorization({ principal })).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' });
    expect(z.control.counters().token.total).toBe(before + 1);
  });

  it('a password that works again lifts the fleet’s pause and its count of strikes', async () => {
    const clock = testClock();
    const z = await zenoti({ now: clock.now });
    z.control.setPassword(D.accountName, D.employee.username, 'changed-at-zenoti');
    const prefix = uniquePrefix();
    const [first, second] = fleetOf(2, (store) => serviceUser(z.url, { store, now: clock.now }), prefix) as [
      ZenotiAuth,
      ZenotiAuth,
    ];
    await expect(first.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    await expect(second.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect(z.control.counters().token.password.rejected).toBe(1);
    expect((await keysUnder(prefix)).filter((k) => k.endsWith(':guard'))).toHaveLength(1);
    // The operator puts the old password back at Zenoti; the pause (a minute) runs out.
    z.control.setPassword(D.accountName, D.employee.username, D.employee.password);
    clock.advance(61_000);
    await expect(second.authorization()).resolves.toMatch(/^bearer /);
    expect(z.control.counters().token.password.ok).toBe(1);
    expect((await keysUnder(prefix)).filter((k) => k.endsWith(':guard'))).toEqual([]);
  });
});
