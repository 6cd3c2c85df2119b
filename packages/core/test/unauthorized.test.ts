import { describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { serviceUser, TestClock, zenoti } from './support.ts';

describe('401 on a resource', () => {
  it('retries requests whose token a refresh killed in flight with the current token, without another token call', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: 60_000 });
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now }));
    const old = await auth.authorization();
    z.control.setLatency(150, 'resource');
    const inFlight = Array.from({ length: 20 }, () => auth.fetch('/v1/centers'));
    await new Promise((resolve) => setTimeout(resolve, 30)); // the 20 requests are at the mock, carrying `old`
    clock.advance(50_000); // inside the refresh window: the next caller refreshes, which kills `old` at Zenoti
    const fresh = await auth.authorization();
    expect(fresh).not.toBe(old);
    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const counters = z.control.counters();
    expect(counters.resources.byStatus['401']).toBe(20);
    expect(counters.token.refresh.ok).toBe(1);
    expect(counters.token.total).toBe(2);
    expect(await auth.invalidate(old)).toBe(false); // compare-and-delete: a stale header changes nothing
  });

  it('refreshes once and retries once when the current token is rejected', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    await auth.authorization();
    z.control.expireAccessTokens();
    const responses = await Promise.all(Array.from({ length: 30 }, () => auth.fetch('/v1/centers')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const counters = z.control.counters();
    expect(counters.token.refresh.ok).toBe(1);
    expect(counters.token.total).toBe(2);
    expect(counters.resources.byStatus['401']).toBe(30);
  });

  it('gives up with UNAUTHORIZED after exactly one retry when 401 persists, and does not refresh again for it', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    await auth.authorization();
    z.control.injectFault('resource', { kind: 'status', status: 401 }, 1_000);
    await expect(auth.fetch('/v1/centers')).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(z.control.counters().resources.total).toBe(2);
    expect(z.control.counters().token.total).toBe(2);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => auth.fetch('/v1/centers')));
    expect(results.every((r) => r.status === 'rejected' && r.reason.code === 'UNAUTHORIZED')).toBe(true);
    expect(z.control.counters().resources.total).toBeLessThanOrEqual(2 + 10 * 2);
    expect(z.control.counters().token.total).toBe(2);
  });

  it('refreshes again for a second real token death soon after, once the new token had been accepted', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    z.control.expireAccessTokens();
    expect((await auth.fetch('/v1/centers')).status).toBe(200); // refresh #1, and the new token is accepted
    z.control.expireAccessTokens();
    expect((await auth.fetch('/v1/centers')).status).toBe(200); // refresh #2 within seconds: not blocked
    expect(z.control.counters().token.refresh.ok).toBe(2);
  });

  it('still knows the new token was accepted after more than 1,024 other tokens were (the record is bounded)', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    z.control.expireAccessTokens();
    expect((await auth.fetch('/v1/centers')).status).toBe(200); // refresh #1, and the new token is accepted
    for (let i = 0; i < 1_100; i++) auth.accepted(`bearer ${'x'.repeat(40)}-other-token-${i}`);
    expect((await auth.fetch('/v1/centers')).status).toBe(200); // accepted again: recorded again
    z.control.expireAccessTokens();
    expect((await auth.fetch('/v1/centers')).status).toBe(200); // refresh #2: the 401 is a real token death
    expect(z.control.counters().token.refresh.ok).toBe(2);
  });
});
