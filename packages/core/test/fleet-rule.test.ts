import { describe, expect, it } from 'vitest';
import { type TokenSet, ZenotiAuth, type ZenotiAuthEvent } from '../src/index.ts';
import { MemoryRateBudget } from '../src/rate-budget/index.ts';
import { sharedStore } from './shared-store.ts';
import { D, guestApp, recorder, serviceUser, TestClock, zenoti } from './support.ts';

/*
 * The fleet rule (rule 6 of refresh-policy.ts): a single-use refresh token is spent only under the
 * fleet's lock. Each mock here ends a session whose refresh token is sent twice, and counts it.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const warnings = (events: ZenotiAuthEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));

/** A service user on a shared store, its token in the refresh window (56 of its 60 minutes gone). */
async function serviceUserInTheWindow(extra: Record<string, unknown> = {}) {
  const clock = new TestClock();
  const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR, refreshReuse: 'end-session' });
  const shared = sharedStore();
  const { events, onEvent } = recorder();
  const auth = new ZenotiAuth(
    serviceUser(z.url, {
      now: clock.now,
      store: shared.store,
      refreshWindowMs: 5 * MINUTE,
      retry: { deadlineMs: 20_000 },
      onEvent,
      ...extra,
    }),
  );
  const first = await auth.authorization();
  clock.advance(56 * MINUTE);
  return { clock, z, shared, events, auth, first };
}

describe('while the shared store fails', () => {
  it('serves the live token and refreshes nothing; once the store answers, one refresh under its lock', async () => {
    const { clock, z, shared, events, auth, first } = await serviceUserInTheWindow();
    shared.faults.down = true;
    for (let round = 0; round < 3; round++) {
      const headers = await Promise.all(Array.from({ length: 20 }, () => auth.authorization()));
      expect(new Set(headers)).toEqual(new Set([first]));
      clock.advance(2_000); // past each ride's next try (a second while the store fails)
    }
    expect(z.control.counters().token.total).toBe(1); // the first password grant only
    expect(shared.counts.lockFailures).toBeGreaterThanOrEqual(2); // it kept asking for the lock
    // One warning for the outage and one for the ride, however many calls and tries.
    expect(warnings(events).filter((m) => m.includes('Token store fails'))).toHaveLength(1);
    expect(warnings(events).filter((m) => m.includes('Token not renewed'))).toEqual([
      expect.stringMatching(
        /Token not renewed: the token store fails, so nobody can hold the refresh lock\./,
      ),
    ]);

    shared.faults.down = false;
    await sleep(1_100); // an outage ends after a second without failures
    clock.advance(2_000);
    expect(await auth.authorization()).toBe(first); // served; the try runs behind it
    // The mock counts the refresh as it answers, a moment before the engine stores the new set:
    // wait (bounded) for the engine to hand it out.
    let renewed = first;
    for (let i = 0; i < 200 && renewed === first; i++) {
      await sleep(10);
      renewed = await auth.authorization();
    }
    expect(renewed).not.toBe(first);
    const { token } = z.control.counters();
    expect(token.refresh.ok).toBe(1);
    expect(token.refreshReused).toBe(0);
    expect(warnings(events).some((m) => /Token store answers again, after \d+\.\d s\./.test(m))).toBe(true);
  });

  it('signs the service user in again when its token dies: 50 callers, 1 password grant, 0 failures, 5 rounds', async () => {
    const z = await zenoti({ refreshReuse: 'end-session' });
    const shared = sharedStore();
    const auth = new ZenotiAuth(serviceUser(z.url, { store: shared.store }));
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    shared.faults.down = true;
    for (let round = 1; round <= 5; round++) {
      z.control.expireAccessTokens(); // Zenoti kills the token; the engine thinks it alive
      const statuses = await Promise.all(
        Array.from({ length: 50 }, async () => (await auth.fetch('/v1/centers')).status),
      );
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      const { token } = z.control.counters();
      expect(token.password.ok).toBe(1 + round); // one sign-in per round, for all 50 callers
      expect(token.refresh.ok + token.refresh.rejected).toBe(0); // no refresh token sent at all
    }
    expect(z.control.counters().token.refreshReused).toBe(0);
  });

  it("keeps an end user's refresh token unspent (a transient STORE error) unless refreshWithoutLock", async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
    const shared = sharedStore();
    const options = { now: clock.now, store: shared.store };
    const auth = new ZenotiAuth(guestApp(z.url, options));
    const { principal } = await auth.login({ ...D.guests[0] });
    clock.advance(HOUR + 1); // the access token is dead; its refresh token is good
    shared.faults.down = true;
    const error = await auth.authorization({ principal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE', transient: true });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect((error as Error).message).toMatch(
      /spent only under the fleet's lock \(see "refreshWithoutLock"\)/,
    );
    expect(z.control.counters().token.total).toBe(1); // the login only

    // A single process (or sticky sessions) may say so: then the refresh goes without the lock.
    const alone = new ZenotiAuth(guestApp(z.url, { ...options, refreshWithoutLock: true }));
    await sleep(1_700); // the first engine's pause after its failed try (the same process state)
    expect(await alone.authorization({ principal })).toMatch(/^bearer /);
    expect(z.control.counters().token.refresh.ok).toBe(1);
  });
});

describe("a refresh token another process claimed (its holder's lease may have lapsed)", () => {
  it("is never sent here: an end user's callers wait while the claim lasts, then the session has ended", async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
    const shared = sharedStore();
    const auth = new ZenotiAuth(guestApp(z.url, { now: clock.now, store: shared.store }));
    const { principal } = await auth.login({ ...D.guests[0] });
    const [key] = shared.keys();
    const stored = shared.stored(key as string) as TokenSet;
    const until = clock.now() + HOUR + 20_000;
    shared.replace(key as string, { ...stored, refreshClaim: { by: 'another process', until } });
    clock.advance(HOUR + 1); // the access token is dead; the claim lasts 20 s more
    const waiting = await auth.authorization({ principal }).catch((e: unknown) => e);
    expect(waiting).toMatchObject({ code: 'STORE', transient: true });
    expect((waiting as Error).message).toMatch(/another process is sending the refresh token/);
    clock.advance(20_000); // the claim is over and its result never came: the token counts as spent
    await sleep(1_100); // past the pause after the first try
    const ended = await auth.authorization({ principal }).catch((e: unknown) => e);
    expect(ended).toMatchObject({ code: 'LOGIN_REQUIRED' });
    expect(z.control.counters().token.refresh.ok + z.control.counters().token.refresh.rejected).toBe(0);
  });
});

describe('while another process holds the refresh lock', () => {
  it('serves the live token after a short wait, not after the whole deadline, and refreshes nothing', async () => {
    const { z, shared, auth, first } = await serviceUserInTheWindow(); // deadline 20 s
    shared.faults.lockedElsewhere = true;
    const started = Date.now();
    const headers = await Promise.all(Array.from({ length: 10 }, () => auth.authorization()));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(new Set(headers)).toEqual(new Set([first]));
    const again = Date.now();
    expect(await auth.authorization()).toBe(first); // the next caller is served at once
    expect(Date.now() - again).toBeLessThan(500);
    expect(z.control.counters().token.total).toBe(1);
  });
});

describe('a lock taken from a store that then fails to answer', () => {
  it('spends no refresh token under it: a live token serves, a dead one means a password grant', async () => {
    const { clock, z, shared, auth, first } = await serviceUserInTheWindow();
    shared.faults.readsFailUnderLock = true; // a failover right after the lock was taken
    expect(await auth.authorization()).toBe(first);
    expect(z.control.counters().token.refresh.ok).toBe(0);
    clock.advance(5 * MINUTE); // the token has expired
    const renewed = await auth.authorization();
    expect(renewed).not.toBe(first);
    const { token } = z.control.counters();
    expect(token.password.ok).toBe(2);
    expect(token.refresh.ok + token.refresh.rejected).toBe(0);
  });
});

describe('permit before token', () => {
  it('reads the credential after the rate-budget permit: a refresh during the wait kills no request', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 300 });
    const store = sharedStore().store;
    const waiting = new ZenotiAuth(
      serviceUser(z.url, { now: clock.now, store, rateLimit: { budget, maxWaitMs: 5_000 } }),
    );
    const other = new ZenotiAuth(serviceUser(z.url, { now: clock.now, store }));
    await waiting.authorization();
    expect((await waiting.fetch('/v1/centers')).status).toBe(200); // spends the window's one permit
    const sent = waiting.fetch('/v1/centers'); // waits ~300 ms for its permit
    await sleep(50);
    clock.advance(56 * MINUTE);
    await other.authorization(); // a refresh meanwhile kills the token the waiting call would have read
    expect(z.control.counters().token.refresh.ok).toBe(1);
    expect((await sent).status).toBe(200);
    expect(z.control.counters().resources.deadToken).toBe(0); // nothing was sent with the dead token
  });
});

describe('a 401 while the store cannot be read', () => {
  it('is taken as the token killed elsewhere, even for a token minted after a 401 and never accepted', async () => {
    const z = await zenoti();
    const shared = sharedStore();
    const auth = new ZenotiAuth(serviceUser(z.url, { store: shared.store }));
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    shared.faults.down = true;
    // A 401, a new token (a password grant, without the lock), its retry a 401 too: it was never accepted.
    z.control.injectFault('resource', { kind: 'status', status: 401 }, 2);
    await expect(auth.fetch('/v1/centers')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    // Another process's refresh, unseen here, kills it. With a readable store, a 401 on a token minted
    // right after a 401 is taken as a permission problem; here it is a dead token: a new one, served.
    z.control.expireAccessTokens();
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect(z.control.counters().token.password.ok).toBe(3);
  });
});

describe('the outage warning', () => {
  it('speaks of the last token set seen only when this process saw one', async () => {
    const z = await zenoti();
    const shared = sharedStore();
    shared.faults.down = true; // down before the first call: nothing was ever seen
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(serviceUser(z.url, { store: shared.store, onEvent }));
    expect((await auth.fetch('/v1/centers')).status).toBe(200); // a password grant, kept in this process
    expect(warnings(events).filter((m) => m.includes('Token store fails'))).toEqual([
      '[@zenoti-auth/core] Token store fails (Test store GET failed: ECONNREFUSED); this process carries on alone until it answers.',
    ]);
  });
});

describe('the fleet-hazard warning', () => {
  it('does not blame another client for a token killed while the store failed', async () => {
    const z = await zenoti();
    const shared = sharedStore();
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(serviceUser(z.url, { store: shared.store, onEvent }));
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    shared.faults.down = true;
    z.control.expireAccessTokens();
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect(warnings(events).some((m) => m.includes('another client'))).toBe(false);
    expect(warnings(events).filter((m) => m.includes('Token store fails'))).toEqual([
      '[@zenoti-auth/core] Token store fails (Test store GET failed: ECONNREFUSED); this process carries on alone with the last token set it saw until it answers.',
    ]);
  });
});
