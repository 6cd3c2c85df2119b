import { describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { D, guestApp, serviceUser, TestClock, zenoti } from './support.ts';

const HOUR = 60 * 60_000;
const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A mock whose token endpoint answers after 300 ms, and a clock 56 minutes on: refreshes are due and slow. */
async function slowRefreshes() {
  const clock = new TestClock();
  const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
  return { clock, z };
}

describe('a refresh running while a session starts or ends', () => {
  it('is left alone by a login() for the same principal that fails (wrong password)', async () => {
    const { clock, z } = await slowRefreshes();
    const auth = new ZenotiAuth(guestApp(z.url, { now: clock.now, refreshWindowMs: 5 * MINUTE }));
    const [alice] = D.guests;
    await auth.login({ username: alice.username, password: alice.password, principal: 'p' });
    const first = await auth.authorization({ principal: 'p' });
    clock.advance(56 * MINUTE);
    z.control.setLatency(300, 'token');
    const waiting = auth.authorization({ principal: 'p' }); // the refresh is at Zenoti
    await sleep(50);
    await expect(
      auth.login({ username: alice.username, password: 'not-her-password', principal: 'p' }),
    ).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    const refreshed = await waiting;
    expect(refreshed).not.toBe(first);
    expect(await auth.authorization({ principal: 'p' })).toBe(refreshed);
    expect(z.control.counters().token.refresh.ok).toBe(1);
  });

  it('does not make the service user fail after revoke(): it signs in again', async () => {
    const { clock, z } = await slowRefreshes();
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now, refreshWindowMs: 5 * MINUTE }));
    const first = await auth.authorization();
    clock.advance(56 * MINUTE);
    z.control.setLatency(300, 'token');
    const before = auth.authorization(); // a refresh is at Zenoti
    await sleep(50);
    await auth.revoke();
    const after = auth.authorization(); // does not join the revoked session's refresh
    const [a, b] = await Promise.all([before, after]);
    for (const header of [a, b]) expect(header).toMatch(/^bearer /);
    expect(b).not.toBe(first);
    expect(await auth.authorization()).toBe(b);
  });

  it('keeps a newer login(): a refresh of the older session that began during it does not overwrite it', async () => {
    const { clock, z } = await slowRefreshes();
    const auth = new ZenotiAuth(guestApp(z.url, { now: clock.now, refreshWindowMs: 5 * MINUTE }));
    const [alice, bob] = D.guests;
    await auth.login({ username: alice.username, password: alice.password, principal: 'p' });
    clock.advance(56 * MINUTE);
    z.control.setLatency(300, 'token');
    const login = auth.login({ username: bob.username, password: bob.password, principal: 'p' });
    await sleep(30);
    // Alice's refresh starts while bob's login is at Zenoti, and ends after it has been stored.
    const old = auth.authorization({ principal: 'p' });
    await login;
    await old.catch(() => undefined);
    // The principal is bob's now: his own record answers, alice's does not.
    const res = await auth.fetch(`/v1/guests/${bob.guestId}`, { zenoti: { principal: 'p' } });
    expect(res.status).toBe(200);
  });
});
