import { describe, expect, it } from 'vitest';
import { ZenotiAuth, type ZenotiAuthError } from '../src/index.ts';
import { MemoryRateBudget } from '../src/rate-budget/index.ts';
import { D, guestApp, serviceUser, settle, tokenCalls, type Zenoti, zenoti } from './support.ts';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Anonymous sign-ins: unknown users, wrong passwords (each takes a permit all the same). */
function flood(guests: ZenotiAuth, count: number, signal?: AbortSignal): Array<Promise<unknown>> {
  return Array.from({ length: count }, (_, i) =>
    guests
      .login({
        username: `flood-${i}@example.com`,
        password: 'not-the-password',
        ...(signal ? { signal } : {}),
      })
      .catch((e) => e),
  );
}

const WINDOW_MS = 200;

/** Returns `logins` once the first window's five have reached Zenoti: the others wait for permits by then. */
async function queued<T>(z: Zenoti, logins: T): Promise<T> {
  for (let i = 0; i < 200 && tokenCalls(z.control) < 5; i++) await sleep(5);
  await sleep(20);
  return logins;
}

describe('end users’ sign-ins take no priority over the app’s own calls', () => {
  it('an API key call after 60 sign-ins waits at most about one window, not behind all 60', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 5, intervalMs: WINDOW_MS });
    const rateLimit = { budget, maxWaitMs: 3_000 };
    const guests = new ZenotiAuth(guestApp(z.url, { rateLimit }));
    const app = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url, rateLimit });
    const logins = await queued(z, flood(guests, 60));
    const started = Date.now();
    const response = await app.fetch('/v1/centers');
    const waitedMs = Date.now() - started;
    const signInsBefore = tokenCalls(z.control);
    console.info(`app call waited ${waitedMs} ms behind 60 sign-ins (${signInsBefore} had reached Zenoti)`);
    expect(response.status).toBe(200);
    // Sign-ins and the app's calls take turns: the app's call goes in the next window, behind at
    // most one queued sign-in (60 sign-ins at 5 a window would take 12 windows, 2.4 s).
    expect(waitedMs).toBeLessThan(2 * WINDOW_MS + 150);
    expect(signInsBefore).toBeLessThanOrEqual(2 * 5);
    const outcomes = await Promise.all(logins);
    expect(outcomes.every((e) => (e as ZenotiAuthError).code === 'CREDENTIALS_REJECTED')).toBe(true);
  });

  it('the service user’s own token grant still goes ahead; its call then takes its turn', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 5, intervalMs: WINDOW_MS });
    const rateLimit = { budget, maxWaitMs: 3_000 };
    const guests = new ZenotiAuth(guestApp(z.url, { rateLimit }));
    const app = new ZenotiAuth(serviceUser(z.url, { rateLimit }));
    const logins = await queued(z, flood(guests, 60));
    const started = Date.now();
    const response = await app.fetch('/v1/centers');
    const waitedMs = Date.now() - started;
    console.info(`service user's grant + call waited ${waitedMs} ms behind 60 sign-ins`);
    expect(response.status).toBe(200);
    // The grant takes the first permit of the next window; the call, queued after the grant's answer,
    // one of the window after at worst (60 sign-ins at 5 a window would take 2.4 s).
    expect(waitedMs).toBeLessThan(4 * WINDOW_MS + 150);
    expect(z.control.counters().token.password.ok).toBe(1);
    await Promise.all(logins);
  });

  it('sign-ins count toward maxQueued: past it, RATE_LIMITED at once, and Zenoti never sees them', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 2, intervalMs: 60_000 });
    const guests = new ZenotiAuth(
      guestApp(z.url, { rateLimit: { budget, maxWaitMs: 120_000, maxQueued: 5 } }),
    );
    const stop = new AbortController();
    const logins = flood(guests, 30, stop.signal);
    await sleep(100);
    stop.abort();
    const codes = (await Promise.all(logins)).map((e) => (e as ZenotiAuthError).code);
    const count = (code: string): number => codes.filter((c) => c === code).length;
    // Two permits, five waiting (then aborted), the other 23 refused at once.
    expect({
      rejected: count('CREDENTIALS_REJECTED'),
      queued: count('ABORTED'),
      refused: count('RATE_LIMITED'),
    }).toEqual({ rejected: 2, queued: 5, refused: 23 });
    expect(tokenCalls(z.control)).toBe(2);
  });

  for (const shareInFlight of [true, false])
    it(`an aborted sign-in never reaches Zenoti (shareInFlight: ${shareInFlight}): 20 aborted while waiting`, async () => {
      const z = await zenoti();
      const budget = new MemoryRateBudget({ limit: 1, intervalMs: WINDOW_MS });
      const guests = new ZenotiAuth(
        guestApp(z.url, { rateLimit: { budget, maxWaitMs: 5_000 }, shareInFlight }),
      );
      const guest = D.guests[0];
      // The one permit of the window goes to a sign-in with a wrong password.
      await guests.login({ username: guest.username, password: 'wrong' }).catch(() => undefined);
      const stop = new AbortController();
      const aborted = Array.from({ length: 20 }, () =>
        guests.login({ username: guest.username, password: 'wrong', signal: stop.signal }),
      );
      await sleep(20);
      stop.abort();
      const outcomes = await settle(aborted);
      expect(outcomes.every((o) => o.status === 'rejected' && o.reason.code === 'ABORTED')).toBe(true);
      // Long enough for several windows to refill: nothing of theirs goes out afterwards.
      await sleep(5 * WINDOW_MS);
      const token = z.control.counters().token;
      console.info(
        `20 aborted sign-ins: ${token.total - 1} reached Zenoti, ${token.lockouts} lockouts (shareInFlight ${shareInFlight})`,
      );
      expect(token.total).toBe(1);
      expect(token.lockouts).toBe(0);
    });
});
