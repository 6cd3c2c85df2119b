import { describe, expect, it } from 'vitest';
import { type RateLimitEvent, ZenotiAuth } from '../src/index.ts';
import { D, recorder, serviceUser, zenoti } from './support.ts';

describe('429 Too Many Requests', () => {
  it('waits out Retry-After within budget, retries, and emits rateLimit', async () => {
    const z = await zenoti({ rateLimit: { limit: 1, windowSeconds: 1 } });
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth({
      apiKey: D.apiKey,
      baseUrl: z.url,
      onEvent,
      rateLimit: { maxWaitMs: 2_000 },
    });
    const first = await auth.fetch('/v1/centers');
    expect(first.status).toBe(200);
    const started = Date.now();
    const second = await auth.fetch('/v1/centers');
    expect(second.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const rate = events.filter((e): e is RateLimitEvent => e.type === 'rateLimit');
    expect(rate.some((e) => e.retrying && e.retryAfterMs === 1_000)).toBe(true);
    expect(rate.some((e) => !e.retrying && e.remaining === 0)).toBe(true);
    expect(z.control.counters().resources.byStatus['429']).toBe(1);
  });

  it('fails with RATE_LIMITED and the retry time when the wait is past the budget', async () => {
    const z = await zenoti({ rateLimit: { limit: 2, windowSeconds: 60 } });
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url, rateLimit: { maxWaitMs: 5_000 } });
    await (await auth.fetch('/v1/centers')).arrayBuffer();
    await (await auth.fetch('/v1/centers')).arrayBuffer();
    const started = Date.now();
    const error = await auth.fetch('/v1/centers').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('returns the 429 untouched when the policy is off', async () => {
    const z = await zenoti({ rateLimit: { limit: 1, windowSeconds: 60 } });
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url, rateLimit: false });
    await (await auth.fetch('/v1/centers')).arrayBuffer();
    const res = await auth.fetch('/v1/centers');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeTruthy();
  });

  it('waits out a 429 from the token endpoint too', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    z.control.injectFault('token', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, 1);
    await expect(auth.authorization()).resolves.toMatch(/^bearer /);
    expect(z.control.counters().token.password.ok).toBe(1);
  });
});
