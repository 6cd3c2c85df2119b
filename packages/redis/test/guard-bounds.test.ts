// The guard a fleet shares in Redis (`prefix{key}:guard`) is bounded and can be lifted by hand: a
// stored pause of days stops the fleet for at most its bound, its stored text is never shown, and
// deleting the key (the README's remedy after fixing a password) ends the pause in every running
// process at its next call.
import { type TokenStore, ZenotiAuth, type ZenotiAuthOptions } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import { D, ioredis, keysUnder, redisStore, serviceUser, uniquePrefix, zenoti } from './support.ts';

const HOUR = 3_600_000;

/** An engine clock the tests move (the mock shares it). */
function testClock(): { now: () => number; advance: (ms: number) => void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

/** An engine on a connection of its own, as in a process of its own. */
function processOf(prefix: string, options: (store: TokenStore) => ZenotiAuthOptions): ZenotiAuth {
  return new ZenotiAuth(options(redisStore({ client: ioredis(), prefix }).store));
}

async function guardKeyUnder(prefix: string): Promise<string> {
  const keys = (await keysUnder(prefix)).filter((key) => key.endsWith(':guard'));
  expect(keys).toHaveLength(1);
  return keys[0] as string;
}

describe('the guard in Redis', () => {
  it('ends the pause in every running process at its next call once the :guard key is deleted', async () => {
    const clock = testClock();
    const z = await zenoti({ now: clock.now });
    const prefix = uniquePrefix();
    const options = (store: TokenStore) => serviceUser(z.url, { store, now: clock.now });
    const [first, second] = [processOf(prefix, options), processOf(prefix, options)];
    z.control.setPassword(D.accountName, D.employee.username, 'changed-at-zenoti');
    await expect(first.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    await expect(second.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    // The operator fixes the password and deletes the guard; no restart, the clock stands still.
    z.control.setPassword(D.accountName, D.employee.username, D.employee.password);
    await ioredis().del(await guardKeyUnder(prefix));
    await expect(second.authorization()).resolves.toMatch(/^bearer /);
    await expect(first.authorization()).resolves.toMatch(/^bearer /);
    expect(z.control.counters().token.password).toMatchObject({ rejected: 1, ok: 1 });
  });

  it('honours a stored pause of 10 days for at most an hour, and never shows its stored text', async () => {
    const clock = testClock();
    const z = await zenoti({ now: clock.now });
    const prefix = uniquePrefix();
    const options = (store: TokenStore) => serviceUser(z.url, { store, now: clock.now });
    z.control.setPassword(D.accountName, D.employee.username, 'changed-at-zenoti');
    await expect(processOf(prefix, options).authorization()).rejects.toMatchObject({
      code: 'CREDENTIALS_REJECTED',
    });
    z.control.setPassword(D.accountName, D.employee.username, D.employee.password);
    const redis = ioredis();
    const guardKey = await guardKeyUnder(prefix);
    const guard = JSON.parse((await redis.get(guardKey)) as string);
    guard.pause = {
      reason: 'credentials',
      code: 'CREDENTIALS_REJECTED',
      until: clock.now() + 10 * 24 * HOUR,
      status: 401,
      message: 'Call 555-0100 to unlock\r\nX-Injected: 1',
    };
    await redis.set(guardKey, JSON.stringify(guard), 'PX', 10 * 24 * HOUR);

    const later = processOf(prefix, options);
    const error = (await later.authorization().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect(error.message).not.toMatch(/555|X-Injected|[\r\n]/);
    const stored = JSON.parse((await redis.get(guardKey)) as string);
    expect(stored.pause.until).toBeLessThanOrEqual(clock.now() + HOUR);
    expect(stored.pause.message).not.toContain('555');
    clock.advance(HOUR + 1_000);
    await expect(later.authorization()).resolves.toMatch(/^bearer /);
    await expect(processOf(prefix, options).authorization()).resolves.toMatch(/^bearer /);
  });
});
