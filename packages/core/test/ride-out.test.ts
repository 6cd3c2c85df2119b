import { describe, expect, it } from 'vitest';
import {
  MemoryTokenStore,
  type TokenSet,
  type TokenStore,
  ZenotiAuth,
  type ZenotiAuthEvent,
} from '../src/index.ts';
import { D, guestApp, recorder, serviceUser, TestClock, zenoti } from './support.ts';

const HOUR = 60 * 60_000;
const MINUTE = 60_000;
/** Two attempts per refresh, a 2 s deadline: a failing refresh gives up quickly. */
const retry = { retries: 1, minDelayMs: 5, maxDelayMs: 10, deadlineMs: 2_000 };

/** An engine whose service token is 56 minutes old (4 minutes left, inside its 5-minute refresh window). */
async function insideTheWindow(extra: { store?: TokenStore; timeoutMs?: number } = {}) {
  const clock = new TestClock();
  const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
  const { events, onEvent } = recorder();
  const auth = new ZenotiAuth(
    serviceUser(z.url, {
      now: clock.now,
      refreshWindowMs: 5 * MINUTE,
      retry,
      timeoutMs: 300,
      onEvent,
      ...extra,
    }),
  );
  const first = await auth.authorization();
  clock.advance(56 * MINUTE);
  return { clock, z, events, auth, first };
}

const ofType = <T extends ZenotiAuthEvent['type']>(events: ZenotiAuthEvent[], type: T) =>
  events.filter((e): e is Extract<ZenotiAuthEvent, { type: T }> => e.type === type);

/** Waits (bounded) until `check` holds: for work that runs behind a caller that was already answered. */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

/**
 * A store a test can write to as another process would: `elsewhere()` signs in with a store of its
 * own (same credentials, so the same key) and `plant()` writes the set it got into this one.
 */
function plantable() {
  const inner = new MemoryTokenStore();
  const keys: string[] = [];
  const store: TokenStore = {
    get: (key) => inner.get(key),
    set: (key, set, ttlMs) => {
      keys.push(key);
      return inner.set(key, set, ttlMs);
    },
    delete: (key, ifVersion) => inner.delete(key, ifVersion),
  };
  const elsewhere = async (url: string, now: () => number): Promise<{ header: string; set: TokenSet }> => {
    const other = new MemoryTokenStore();
    const header = await new ZenotiAuth(serviceUser(url, { now, store: other })).authorization();
    const set = (await other.get(keys[0] as string)) as TokenSet;
    expect(`bearer ${set.accessToken}`).toBe(header);
    return { header, set };
  };
  const plant = async (set: TokenSet): Promise<void> => inner.set(keys[0] as string, set, HOUR);
  return { store, elsewhere, plant };
}

describe('a refresh that fails for a passing fault, while the token is still alive', () => {
  it.each([
    ['503s', { kind: 'status', status: 503 } as const, 'TOKEN_ENDPOINT'],
    ['dropped connections', { kind: 'drop' } as const, 'NETWORK'],
    ['hangs', { kind: 'hang' } as const, 'TIMEOUT'],
    ['200s whose body says 503', { kind: 'raw', body: '{"error":{"code":503}}' } as const, 'TOKEN_ENDPOINT'],
  ])('serves the current token through %s, then refreshes once the fault clears', async (_n, fault, code) => {
    const { clock, z, events, auth, first } = await insideTheWindow();
    z.control.injectFault('token', fault, 1_000);

    // Both attempts fail; the callers still get the token, which Zenoti still accepts.
    const during = await Promise.all(Array.from({ length: 10 }, () => auth.authorization()));
    expect(new Set(during)).toEqual(new Set([first]));
    expect(z.control.counters().token.faulted).toBe(2);
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect(ofType(events, 'error').map((e) => e.error.code)).toEqual([code]);
    const [warning] = ofType(events, 'warning');
    expect(warning?.message).toMatch(
      /Token not renewed: refresh failed \(\w+\)\. The current one serves until it expires; next try in 2000 ms/,
    );
    expect(JSON.stringify(events)).not.toContain(first.slice(7));

    // Within the pause no further token call is made, however many callers come.
    clock.advance(1_000);
    for (let i = 0; i < 20; i++) expect(await auth.authorization()).toBe(first);
    expect(z.control.counters().token.faulted).toBe(2);

    // After it, the next caller is still served at once and starts the next try behind it, which
    // succeeds now that the fault has cleared.
    z.control.clearFaults();
    clock.advance(1_001);
    expect(await auth.authorization()).toBe(first);
    // Zenoti answered the try, and the engine stored its answer (the counter moves a little earlier).
    await eventually(
      () =>
        z.control.counters().token.refresh.ok === 1 &&
        ofType(events, 'token').some((e) => e.grant === 'refresh'),
    );
    const renewed = await auth.authorization();
    expect(renewed).not.toBe(first);
    expect(await auth.authorization()).toBe(renewed);
  });

  it('does not make callers wait for the next try: it runs behind the live token', async () => {
    // Each attempt hangs for 1 s and there are two: a caller that waited would wait 2 s.
    const { clock, z, auth, first } = await insideTheWindow({ timeoutMs: 1_000 });
    z.control.injectFault('token', { kind: 'status', status: 502 }, 2);
    expect(await auth.authorization()).toBe(first);
    z.control.injectFault('token', { kind: 'hang' }, 2);
    clock.advance(2_001);
    const answered = await Promise.race([
      auth.authorization(),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 500)),
    ]);
    expect(answered).toBe(first);
    await eventually(() => z.control.counters().token.faulted === 4);
  });

  it('with shareInFlight: false (Workers), the caller after the pause waits for the try itself', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
    const auth = new ZenotiAuth(
      serviceUser(z.url, { now: clock.now, refreshWindowMs: 5 * MINUTE, retry, shareInFlight: false }),
    );
    const first = await auth.authorization();
    clock.advance(56 * MINUTE);
    z.control.injectFault('token', { kind: 'status', status: 503 }, 2);
    expect(await auth.authorization()).toBe(first);
    clock.advance(2_001);
    // No try left behind a request that may end (and take its promises with it): this caller waits.
    const renewed = await auth.authorization();
    expect(renewed).not.toBe(first);
    expect(z.control.counters().token.refresh.ok).toBe(1);
  });

  it('tries again after each pause while the fault lasts, and fails once the token has expired', async () => {
    const { clock, z, auth, first } = await insideTheWindow();
    z.control.injectFault('token', { kind: 'status', status: 500 }, 1_000);
    expect(await auth.authorization()).toBe(first);
    clock.advance(2_001);
    expect(await auth.authorization()).toBe(first);
    await eventually(() => z.control.counters().token.faulted === 4); // two refreshes of two attempts each
    clock.advance(4 * MINUTE); // past expiry: nothing left to serve
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT', status: 500 });
  });

  it("waits at least as long as a 429's Retry-After before trying again", async () => {
    const { clock, z, auth, first } = await insideTheWindow();
    z.control.injectFault('token', { kind: 'status', status: 429, headers: { 'retry-after': '120' } }, 1_000);
    expect(await auth.authorization()).toBe(first); // RATE_LIMITED: 120 s is past the 10 s budget
    expect(z.control.counters().token.total).toBe(2); // the first sign-in, and this one try
    for (const step of [2_001, 30_000, 60_000]) {
      clock.advance(step);
      expect(await auth.authorization()).toBe(first);
    }
    expect(z.control.counters().token.total).toBe(2); // 92 s: still inside the 120 s asked for
    z.control.clearFaults();
    clock.advance(28_000);
    expect(await auth.authorization()).toBe(first);
    await eventually(() => z.control.counters().token.refresh.ok === 1);
  });

  it.each([
    ['a 400', { kind: 'status', status: 400 } as const, 400],
    ['a 501', { kind: 'status', status: 501 } as const, 501],
  ])(
    'does not ride out a final answer: %s from the token endpoint still fails the callers',
    async (_n, fault, status) => {
      const { z, auth } = await insideTheWindow();
      z.control.injectFault('token', fault, 1_000);
      await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT', status });
    },
  );

  it('serves a good set that someone else stored while its own refresh failed', async () => {
    const { store, elsewhere, plant } = plantable();
    const { clock, z, auth, first } = await insideTheWindow({ store });
    // "Another process" has a newer set, minted before Zenoti's token endpoint started to hang.
    const { header, set: fresh } = await elsewhere(z.url, clock.now);
    z.control.injectFault('token', { kind: 'hang' }, 1_000);
    const waiting = auth.authorization();
    // While this engine's refresh hangs, the other process stores its set under the same key.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await plant(fresh);
    expect(await waiting).toBe(header);
    expect(header).not.toBe(first);
  });

  it('serves a live token instead of refreshing when the refresh lock stays held elsewhere', async () => {
    // A store whose lock is always held by "another process": lock() gives up (undefined).
    const inner = new MemoryTokenStore();
    const store: TokenStore = {
      get: (key) => inner.get(key),
      set: (key, set, ttlMs) => inner.set(key, set, ttlMs),
      delete: (key, ifVersion) => inner.delete(key, ifVersion),
      lock: async () => undefined,
    };
    const { clock, z, events, auth, first } = await insideTheWindow({ store });
    const calls = z.control.counters().token.total;
    expect(await auth.authorization()).toBe(first);
    expect(z.control.counters().token.total).toBe(calls); // no second refresh with the same refresh token
    const [warning] = ofType(events, 'warning');
    expect(warning?.message).toMatch(/Token not renewed: the refresh lock is held elsewhere\./);
    // Once the token has expired there is nothing to serve: the service user signs in again with its
    // password (a new session), and the refresh token, which the lock holder may be spending, stays unsent.
    const refreshes = z.control.counters().token.refresh.ok;
    clock.advance(5 * MINUTE);
    const next = await auth.authorization();
    expect(next).not.toBe(first);
    expect(z.control.counters().token.total).toBe(calls + 1);
    expect(z.control.counters().token.refresh.ok).toBe(refreshes);
    expect(z.control.counters().token.refreshReused).toBe(0);
  });

  it('ends the ride when a try gets a final answer: the next caller sees the error, no silent tries', async () => {
    const { clock, z, events, auth, first } = await insideTheWindow();
    z.control.injectFault('token', { kind: 'status', status: 503 }, 2);
    expect(await auth.authorization()).toBe(first);
    z.control.injectFault('token', { kind: 'status', status: 501 }, 1_000);
    clock.advance(2_001);
    expect(await auth.authorization()).toBe(first); // served; the try behind it gets a 501
    await eventually(() => ofType(events, 'error').length === 2);
    const calls = z.control.counters().token.total;
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT', status: 501 });
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT', status: 501 });
    // Each failing caller made its own visible attempt, as without a ride.
    expect(z.control.counters().token.total - calls).toBe(2);
  });

  it('rides only on the token it was recorded for: a newer set due later refreshes in the open', async () => {
    const { store, elsewhere, plant } = plantable();
    const { clock, z, auth, first } = await insideTheWindow({ store });
    z.control.injectFault('token', { kind: 'status', status: 503 }, 2);
    expect(await auth.authorization()).toBe(first); // a ride on the first token
    // Another process stores a newer set, which serves now and enters its own window later.
    const { header, set } = await elsewhere(z.url, clock.now);
    await plant(set);
    expect(await auth.authorization()).toBe(header);
    clock.advance(56 * MINUTE);
    z.control.injectFault('token', { kind: 'status', status: 400 }, 1_000);
    // No ride left over from the first token: the caller waits for the refresh and gets its answer.
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT', status: 400 });
  });

  it('does not bring a session back after logout(): a try that was running does not store its set', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
    const auth = new ZenotiAuth(guestApp(z.url, { now: clock.now, refreshWindowMs: 5 * MINUTE, retry }));
    const [alice] = D.guests;
    const { principal } = await auth.login({ username: alice.username, password: alice.password });
    const first = await auth.authorization({ principal });
    clock.advance(56 * MINUTE);
    z.control.injectFault('token', { kind: 'status', status: 503 }, 2);
    expect(await auth.authorization({ principal })).toBe(first); // riding
    z.control.setLatency(300, 'token');
    clock.advance(2_001);
    expect(await auth.authorization({ principal })).toBe(first); // the try starts behind it
    await new Promise((resolve) => setTimeout(resolve, 100)); // the try is at Zenoti (300 ms latency)
    expect(z.control.counters().token.refresh.ok).toBe(0);
    // Logged out while the try waits for Zenoti; Zenoti is not told (its revoke endpoint fails),
    // so the try's refresh succeeds there.
    z.control.injectFault('revoke', { kind: 'status', status: 503 }, 1);
    expect(await auth.logout(principal)).toEqual({ revoked: false });
    await eventually(() => z.control.counters().token.refresh.ok === 1); // the try got its answer…
    await new Promise((resolve) => setTimeout(resolve, 50));
    // …and did not store it: the session stays ended.
    await expect(auth.authorization({ principal })).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' });
  });

  it('lets a 401 end the ride: had Zenoti refreshed after all, the next request recovers', async () => {
    const { z, auth, first } = await insideTheWindow();
    z.control.injectFault('token', { kind: 'status', status: 503 }, 1_000);
    expect(await auth.authorization()).toBe(first);
    z.control.clearFaults();
    z.control.expireAccessTokens(); // the token dies at Zenoti, as a refresh whose answer was lost would kill it
    const res = await auth.fetch('/v1/centers');
    expect(res.status).toBe(200);
    expect(await auth.authorization()).not.toBe(first);
    expect(z.control.counters().resources.byStatus['401']).toBe(1);
  });
});
