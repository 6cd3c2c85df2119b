import { describe, expect, it } from 'vitest';
import { type TokenEvent, ZenotiAuth } from '../src/index.ts';
import { recorder, serviceUser, TestClock, zenoti } from './support.ts';

describe('token lifecycle', () => {
  it('refreshes once per lifetime under continuous traffic, with no password grant after the first and no 401', async () => {
    const clock = new TestClock();
    const lifetime = 3_000;
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: lifetime });
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now, onEvent }));
    const step = 100;
    const duration = 10 * lifetime + step;
    const statuses: number[] = [];
    for (let t = 0; t < duration; t += step) {
      const responses = await Promise.all([
        auth.fetch('/v1/centers'),
        auth.fetch('/v1/centers'),
        auth.fetch('/v1/centers'),
      ]);
      for (const res of responses) {
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      clock.advance(step);
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    const counters = z.control.counters();
    expect(counters.resources.byStatus['401']).toBeUndefined();
    expect(counters.token.password.ok).toBe(1);
    expect(counters.token.password.rejected + counters.token.refresh.rejected).toBe(0);
    // The refresh window is a quarter of the 3 s lifetime, so a token serves 2.25 s: 30 s → 13 refreshes.
    expect(counters.token.refresh.ok).toBeGreaterThanOrEqual(10);
    expect(counters.token.refresh.ok).toBeLessThanOrEqual(14);
    const refreshes = events.filter((e): e is TokenEvent => e.type === 'token' && e.grant === 'refresh');
    expect(refreshes).toHaveLength(counters.token.refresh.ok);
  });

  it('uses the cached token until the refresh window, without token calls', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: 60 * 60_000 });
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now, refreshWindowMs: 5 * 60_000 }));
    const first = await auth.authorization();
    clock.advance(54 * 60_000);
    expect(await auth.authorization()).toBe(first);
    expect(z.control.counters().token.total).toBe(1);
    clock.advance(2 * 60_000); // 4 minutes before expiry: inside the 5-minute window
    const second = await auth.authorization();
    expect(second).not.toBe(first);
    expect(z.control.counters().token.refresh.ok).toBe(1);
  });

  it('refreshes on time with the real clock, where the hot path relies on a timer instead of clock reads', async () => {
    const z = await zenoti({ accessTokenTtlMs: 2_000 });
    const auth = new ZenotiAuth(serviceUser(z.url));
    const first = await auth.authorization();
    for (let i = 0; i < 1_000; i++) expect(await auth.authorization()).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 1_600)); // past 2 s − ¼ of the lifetime
    const second = await auth.authorization();
    expect(second).not.toBe(first);
    expect(z.control.counters().token.refresh.ok).toBe(1);
  });
});
