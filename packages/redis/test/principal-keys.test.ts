import { ZenotiAuth } from '@zenoti-auth/core';
import { guestApp } from '@zenoti-auth/test-support';
import { describe, expect, it } from 'vitest';
import { D, ioredis, keysUnder, redisStore, uniquePrefix, until, zenoti } from './support.ts';

describe('store keys of end users', () => {
  it('never puts a principal such as "P:lock" on the key of principal P’s refresh lock', async () => {
    const z = await zenoti({ accessTokenTtlMs: 2_000 });
    const prefix = uniquePrefix();
    const { store } = redisStore({ client: ioredis(), prefix });
    const auth = new ZenotiAuth(guestApp(z.url, { store, retry: { deadlineMs: 1_500 } }));
    const [alice, bob] = D.guests;
    // Bob's session first: under a naive key scheme it lands where Alice's refresh lock will go.
    await auth.login({ username: bob.username, password: bob.password, principal: 'P:lock' });
    await auth.login({ username: alice.username, password: alice.password, principal: 'P' });
    const keys = await keysUnder(prefix);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(keys).not.toContain(`${key}:lock`);

    // Alice's token comes due: her refresh takes its lock and renews (it is not locked out by Bob).
    const first = await auth.authorization({ principal: 'P' });
    await until(async () => (await auth.authorization({ principal: 'P' })) !== first, 5_000, 'the refresh');
    expect(z.control.counters().token.refresh.ok).toBeGreaterThanOrEqual(1);
    // Bob's session is whole: his token still answers.
    const response = await auth.fetch('/v1/centers', { zenoti: { principal: 'P:lock' } });
    expect(response.status).toBe(200);
  });
});
