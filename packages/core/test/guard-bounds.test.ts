// The pauses a fleet shares through its store's guards are bounded: capped when taken, written and
// read; their message comes from their code, never from text stored with them; and deleting the
// guard from the store ends a pause in every running process at its next call.
import { describe, expect, it } from 'vitest';
import { type TokenGuard, ZenotiAuth } from '../src/index.ts';
import { sharedStore } from './shared-store.ts';
import { D, serviceUser, TestClock, tokenCalls, zenoti } from './support.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A mock Zenoti and a store shared by "processes" (`view()`), on one clock the test moves. */
async function fleet() {
  const clock = new TestClock();
  const z = await zenoti({ now: clock.now });
  const shared = sharedStore();
  const engine = (store = shared.view()) => new ZenotiAuth(serviceUser(z.url, { store, now: clock.now }));
  return { clock, z, shared, engine };
}

/** The one guard in the store, and its key. */
function onlyGuard(guards: Map<string, TokenGuard>): [string, TokenGuard] {
  expect(guards.size).toBe(1);
  return [...guards][0] as [string, TokenGuard];
}

describe('guards a fleet shares', () => {
  it.each([
    ['rejected credentials as at most an hour', 'credentials', 'CREDENTIALS_REJECTED', HOUR],
    ['a locked account as at most 15 minutes', 'locked', 'ACCOUNT_LOCKED', 15 * 60_000],
  ] as const)(
    'reads a stored pause of 10 days for %s, and never shows the text stored with it',
    async (_name, reason, code, longest) => {
      const { clock, z, shared, engine } = await fleet();
      z.control.setPassword(D.accountName, D.employee.username, 'changed-at-zenoti');
      await expect(engine().authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
      const [key, guard] = onlyGuard(shared.guards);
      // A guard as a bug, a hand or another writer may leave it: ten days, and text to show.
      shared.guards.set(key, {
        ...guard,
        pause: {
          reason,
          code,
          until: clock.now() + 10 * DAY,
          status: 401,
          message: 'Locked: call 555-0100 to unlock\r\nX-Injected: 1',
        },
      });
      z.control.setPassword(D.accountName, D.employee.username, D.employee.password);

      const other = engine();
      const error = (await other.authorization().catch((e: unknown) => e)) as Error;
      expect(error).toMatchObject({ code, status: 401 });
      for (const text of ['555', 'X-Injected', '\r', '\n']) {
        expect(error.message).not.toContain(text);
        expect(JSON.stringify(error)).not.toContain(text);
      }
      // The store now holds the bounded pause, with a message of its code.
      const stored = shared.guards.get(key)?.pause;
      expect(stored?.until).toBeLessThanOrEqual(clock.now() + longest);
      expect(stored?.message).not.toContain('555');
      clock.advance(longest - 1_000);
      await expect(other.authorization()).rejects.toMatchObject({ code });
      clock.advance(2_000);
      await expect(other.authorization()).resolves.toMatch(/^bearer /);
      await expect(engine().authorization()).resolves.toMatch(/^bearer /);
      expect(z.control.counters().token.password).toMatchObject({ rejected: 1, ok: 1 });
    },
  );

  it('pauses at most an hour after a Retry-After of 10^9 s from the token endpoint, in the store too', async () => {
    const { clock, z, shared, engine } = await fleet();
    z.control.injectFault(
      'token',
      { kind: 'status', status: 429, headers: { 'retry-after': '1000000000' } },
      1,
    );
    const first = engine();
    const error = await first.authorization().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED' });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(HOUR);
    const [, guard] = onlyGuard(shared.guards);
    expect(guard.pause?.until).toBeLessThanOrEqual(clock.now() + HOUR);
    const second = engine();
    const again = await second.authorization().catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'RATE_LIMITED' });
    expect((again as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(HOUR);
    clock.advance(HOUR + 1_000);
    await expect(first.authorization()).resolves.toMatch(/^bearer /);
    await expect(second.authorization()).resolves.toMatch(/^bearer /);
    expect(tokenCalls(z.control)).toBe(2);
  });

  it('ends a pause in every running engine at its next call once the guard is deleted from the store', async () => {
    const { z, shared, engine } = await fleet();
    const processA = shared.view();
    // Two engines of one process (one view of the store), and one of another process.
    const [a1, a2, b] = [engine(processA), engine(processA), engine()];
    z.control.setPassword(D.accountName, D.employee.username, 'changed-at-zenoti');
    await expect(a1.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    await expect(a2.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    await expect(b.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect(z.control.counters().token.password.rejected).toBe(1);
    // The operator fixes the password and deletes the guard: no restart, no wait for the pause.
    z.control.setPassword(D.accountName, D.employee.username, D.employee.password);
    const [key] = onlyGuard(shared.guards);
    shared.guards.delete(key);
    await expect(b.authorization()).resolves.toMatch(/^bearer /);
    await expect(a2.authorization()).resolves.toMatch(/^bearer /);
    await expect(a1.authorization()).resolves.toMatch(/^bearer /);
    expect(z.control.counters().token.password).toMatchObject({ rejected: 1, ok: 1 });
  });

  it('keeps a pause the store did not take (its write failed) rather than read its absence as a lift', async () => {
    const { clock, z, shared } = await fleet();
    z.control.setPassword(D.accountName, D.employee.username, 'changed-at-zenoti');
    const store = {
      ...shared.view(),
      setGuard: () => {
        throw new Error('store down');
      },
    };
    const auth = new ZenotiAuth(serviceUser(z.url, { store, now: clock.now }));
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect(shared.guards.size).toBe(0);
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect(z.control.counters().token.password.rejected).toBe(1);
  });
});
