import { describe, expect, it } from 'vitest';
import { ZenotiAuth, type ZenotiAuthEvent } from '../src/index.ts';
import { recorder, serviceUser, TestClock, zenoti } from './support.ts';

const HOUR = 60 * 60_000;
const MINUTE = 60_000;
/** Two attempts per refresh, a 2 s deadline: a failing refresh gives up quickly. */
const retry = { retries: 1, minDelayMs: 5, maxDelayMs: 10, deadlineMs: 2_000 };

/** An engine whose service token is 56 minutes old (4 minutes left, inside its 5-minute refresh window). */
async function insideTheWindow() {
  const clock = new TestClock();
  const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
  const { events, onEvent } = recorder();
  const auth = new ZenotiAuth(
    serviceUser(z.url, { now: clock.now, refreshWindowMs: 5 * MINUTE, retry, timeoutMs: 300, onEvent }),
  );
  const first = await auth.authorization();
  clock.advance(56 * MINUTE);
  return { clock, z, events, auth, first };
}

const ofType = <T extends ZenotiAuthEvent['type']>(events: ZenotiAuthEvent[], type: T) =>
  events.filter((e): e is Extract<ZenotiAuthEvent, { type: T }> => e.type === type);

describe('a refresh that fails for a passing fault, while the token is still alive', () => {
  it.each([
    ['503s', { kind: 'status', status: 503 } as const, 'TOKEN_ENDPOINT'],
    ['dropped connections', { kind: 'drop' } as const, 'NETWORK'],
    ['hangs', { kind: 'hang' } as const, 'TIMEOUT'],
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
    expect(warning?.message).toMatch(/Refresh failed .*serves until it expires, next try in 2000 ms/);
    expect(JSON.stringify(events)).not.toContain(first.slice(7));

    // Within the pause no further token call is made, however many callers come.
    clock.advance(1_000);
    for (let i = 0; i < 20; i++) expect(await auth.authorization()).toBe(first);
    expect(z.control.counters().token.faulted).toBe(2);

    // After it, the refresh is tried again: it succeeds once the fault has cleared.
    z.control.clearFaults();
    clock.advance(1_001);
    const renewed = await auth.authorization();
    expect(renewed).not.toBe(first);
    expect(z.control.counters().token.refresh.ok).toBe(1);
    expect(await auth.authorization()).toBe(renewed);
  });

  it('tries again after each pause while the fault lasts, and fails once the token has expired', async () => {
    const { clock, z, auth, first } = await insideTheWindow();
    z.control.injectFault('token', { kind: 'status', status: 500 }, 1_000);
    expect(await auth.authorization()).toBe(first);
    clock.advance(2_001);
    expect(await auth.authorization()).toBe(first);
    expect(z.control.counters().token.faulted).toBe(4); // two refreshes of two attempts each
    clock.advance(4 * MINUTE); // past expiry: nothing left to serve
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT', status: 500 });
  });

  it('does not ride out a final answer: a 4xx from the token endpoint still fails the callers', async () => {
    const { z, auth } = await insideTheWindow();
    z.control.injectFault('token', { kind: 'status', status: 400 }, 1_000);
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT', status: 400 });
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
