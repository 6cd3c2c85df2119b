import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, type TokenSet, ZenotiAuth } from '../src/index.ts';
import { D, guestApp, recorder, serviceUser, TestClock, zenoti } from './support.ts';

/** A MemoryTokenStore that lets the test see what was written (to spend a refresh token elsewhere). */
class WatchedStore extends MemoryTokenStore {
  readonly written: TokenSet[] = [];
  override set(key: string, value: TokenSet, ttlMs: number): void {
    this.written.push(value);
    super.set(key, value, ttlMs);
  }
}

async function spendRefreshToken(url: string, refreshToken: string): Promise<void> {
  const res = await fetch(`${url}/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

describe('refresh token rejected', () => {
  it('falls back to exactly one password grant for a service user', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: 60_000 });
    const store = new WatchedStore();
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now, store, onEvent }));
    const first = await auth.authorization();
    const refreshToken = store.written[0]?.refreshToken;
    expect(refreshToken).toBeTruthy();
    await spendRefreshToken(z.url, refreshToken as string); // "used elsewhere"
    clock.advance(59_000);
    const headers = await Promise.all(Array.from({ length: 50 }, () => auth.authorization()));
    expect(new Set(headers).size).toBe(1);
    expect(headers[0]).not.toBe(first);
    const token = z.control.counters().token;
    expect(token.refresh.rejected).toBe(1);
    expect(token.password.ok).toBe(2);
    expect(events.some((e) => e.type === 'invalidated' && e.reason === 'refresh-rejected')).toBe(true);
    const res = await auth.fetch('/v1/centers');
    expect(res.status).toBe(200);
  });

  it('gives LOGIN_REQUIRED for an end user, and forgets the dead session', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: 60_000 });
    const store = new WatchedStore();
    const auth = new ZenotiAuth(guestApp(z.url, { now: clock.now, store }));
    const alice = D.guests[0];
    const { principal } = await auth.login({ username: alice.username, password: alice.password });
    await spendRefreshToken(z.url, store.written[0]?.refreshToken as string);
    clock.advance(59_000);
    await expect(auth.authorization({ principal })).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' });
    const before = z.control.counters().token.total;
    await expect(auth.authorization({ principal })).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' });
    expect(z.control.counters().token.total).toBe(before);
    expect(z.control.counters().token.password.ok).toBe(1);
  });
});

describe('password changed at Zenoti', () => {
  it('fails 100 concurrent callers with CREDENTIALS_REJECTED using at most 2 token calls, then stays quiet for the cool-down', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now });
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now, credentialsCooldownMs: 60_000 }));
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    const before = z.control.counters().token.total;
    z.control.setPassword(D.accountName, D.employee.username, 'a-new-password');
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => auth.fetch('/v1/centers')));
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    }
    expect(z.control.counters().token.total - before).toBeLessThanOrEqual(2);
    const afterBurst = z.control.counters().token.total;
    clock.advance(30_000);
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect(z.control.counters().token.total).toBe(afterBurst);
    clock.advance(31_000);
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect(z.control.counters().token.total).toBe(afterBurst + 1);
  });

  it('doubles the cool-down with each rejection in a row: a stale password never locks the account', async () => {
    const clock = new TestClock();
    // The mock's default lockout, Zenoti's: 5 rejected passwords within 15 minutes.
    const z = await zenoti({ now: clock.now });
    z.control.setPassword(D.accountName, D.employee.username, 'a-new-password');
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now }));
    // A caller every 10 s for an hour.
    for (let second = 0; second < 3_600; second += 10) {
      await expect(auth.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
      clock.advance(10_000);
    }
    // Tries at 0, 1, 3, 7, 15 and 31 minutes; a fixed one-minute cool-down would have made 60.
    expect(z.control.counters().token.password.rejected).toBe(6);
    expect(z.control.counters().token.lockouts).toBe(0);
    expect(z.control.lockoutStatus(D.accountName, D.employee.username).locked).toBe(false);
  });
});
