import { describe, expect, it } from 'vitest';
import { type TokenSet, ZenotiAuth, type ZenotiAuthEvent } from '../src/index.ts';
import { sharedStore } from './shared-store.ts';
import { D, guestApp, recorder, serviceUser, TestClock, zenoti } from './support.ts';

/*
 * Never trust an older set: a shared store that lost data (a restart without persistence, FLUSHALL,
 * a failover that dropped writes) is repaired from this process's newer copy, whose refresh token is
 * then held back for `retry.deadlineMs` (another process may have been spending it), and a set the
 * fleet ended on purpose is never brought back.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const HOLD_MS = 20_000; // retry.deadlineMs below

const warnings = (events: ZenotiAuthEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));

async function fleet() {
  const clock = new TestClock();
  const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR, refreshReuse: 'end-session' });
  const shared = sharedStore();
  const engine = (store = shared.store) => {
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(
      serviceUser(z.url, {
        now: clock.now,
        store,
        refreshWindowMs: 5 * MINUTE,
        retry: { deadlineMs: HOLD_MS },
        onEvent,
      }),
    );
    return { auth, events };
  };
  return { clock, z, shared, engine };
}

describe('a store that lost the set while this process holds a live one', () => {
  it('gets it back, once, with its refresh token held; the token serves, then one refresh after the hold', async () => {
    const { clock, z, shared, engine } = await fleet();
    const { auth, events } = engine();
    const first = await auth.authorization();
    const [key] = shared.keys();
    clock.advance(56 * MINUTE); // in the refresh window
    shared.lose(); // Redis restarted without persistence
    expect(await auth.authorization()).toBe(first);
    expect(await auth.authorization()).toBe(first);
    const restored = shared.stored(key as string) as TokenSet;
    expect(`bearer ${restored.accessToken}`).toBe(first);
    expect(restored.refreshNotBefore).toBe(clock.now() + HOLD_MS);
    expect(warnings(events).filter((m) => m.includes('had lost the token set'))).toHaveLength(1);

    // Due, but held: the live token serves, its refresh token stays unsent.
    clock.advance(HOLD_MS - 1_000);
    expect(await auth.authorization()).toBe(first);
    expect(z.control.counters().token.total).toBe(1);
    // After the hold, a refresh under the lock, once.
    clock.advance(2_000);
    expect(await auth.authorization()).toBe(first); // served while the try runs behind it
    // The mock counts the refresh when it answers, a moment before the engine has stored the new
    // set: wait (bounded) for the engine to hand it out, not for the counter.
    let next = first;
    for (let i = 0; i < 200 && next === first; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      next = await auth.authorization();
    }
    expect(next).not.toBe(first);
    expect(z.control.counters().token.refresh.ok).toBe(1);
    expect(z.control.counters().token.refreshReused).toBe(0);
  });

  it('signs the service user in again rather than spend a held refresh token once the token is dead', async () => {
    const { clock, z, shared, engine } = await fleet();
    const { auth } = engine();
    const first = await auth.authorization();
    clock.advance(HOUR - 10_000); // alive for 10 s more, and due
    shared.lose();
    expect(await auth.authorization()).toBe(first); // written back, held for 20 s: it rides
    clock.advance(15_000); // dead; the hold is not over
    expect(await auth.authorization()).not.toBe(first);
    const { token } = z.control.counters();
    expect(token.password.ok).toBe(2);
    expect(token.refresh.ok + token.refresh.rejected).toBe(0);
  });
});

describe('a store that went back to an older set (a failover that lost writes)', () => {
  it('never spends the older refresh token: the newer set is written back and serves', async () => {
    const { clock, z, shared, engine } = await fleet();
    const a = engine();
    const b = engine(shared.view()); // another process
    await a.auth.authorization();
    const [key] = shared.keys();
    const older = shared.stored(key as string) as TokenSet;
    clock.advance(56 * MINUTE);
    const newer = await a.auth.authorization(); // a refreshes: the older refresh token is spent
    expect(await b.auth.authorization()).toBe(newer); // b has seen the newer set too
    expect(z.control.counters().token.refresh.ok).toBe(1);

    shared.replace(key as string, older); // the new master never got the newer set
    clock.advance(10 * MINUTE); // the older set is due (and dead); the newer one is fresh
    expect(await b.auth.authorization()).toBe(newer);
    expect(await a.auth.authorization()).toBe(newer);
    expect(shared.stored(key as string)?.accessToken).toBe(newer.slice('bearer '.length));
    expect(warnings(b.events).some((m) => /held an older token set \(version \d+ < \d+\)/.test(m))).toBe(
      true,
    );
    const { token } = z.control.counters();
    expect(token.refreshReused).toBe(0);
    expect(token.sessionsEnded).toBe(0);
    expect((await a.auth.fetch('/v1/centers')).status).toBe(200);
  });
});

describe('a set the fleet ended on purpose', () => {
  it('is not brought back by a process that still holds it', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
    const shared = sharedStore();
    const engine = (store: typeof shared.store) => new ZenotiAuth(guestApp(z.url, { now: clock.now, store }));
    const a = engine(shared.store);
    const b = engine(shared.view());
    const { principal } = await a.login({ ...D.guests[0] });
    await b.authorization({ principal }); // b holds the session's set too
    expect(await a.logout(principal)).toEqual({ revoked: true });
    await expect(b.authorization({ principal })).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' });
    expect(shared.keys().map((key) => shared.stored(key))).toEqual([undefined]);
  });

  it('gives a new session a higher version than the one that ended', async () => {
    const z = await zenoti();
    const shared = sharedStore();
    const auth = new ZenotiAuth(guestApp(z.url, { store: shared.store }));
    const { principal } = await auth.login({ ...D.guests[0], principal: 'front-desk' });
    const [key] = shared.keys();
    const ended = shared.stored(key as string) as TokenSet;
    await auth.logout(principal);
    await auth.login({ ...D.guests[0], principal: 'front-desk' });
    expect((shared.stored(key as string) as TokenSet).version).toBeGreaterThan(ended.version);
  });
});
