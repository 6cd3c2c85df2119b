import { describe, expect, it } from 'vitest';
import { apikey, call, D, employeeGrant, postToken, startMock } from './helpers.ts';

/** Zenoti's standard limit counted as a continuous token bucket (the mock's default before window mode). */
const BUCKET = { mode: 'bucket', limit: 60, windowSeconds: 60 } as const;

const centers = (mock: Parameters<typeof call>[0], key: string = D.apiKey) =>
  call(mock, '/v1/centers', apikey(key));

describe('organisation rate limit, bucket mode (frozen clock)', () => {
  it('answers the 61st call within a minute with 429 and Retry-After', async () => {
    const mock = await startMock({ rateLimit: BUCKET });
    for (let i = 1; i <= 60; i++) {
      const answer = await centers(mock);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('organization-ratelimit-limit')).toBe('60;w=60;b=60');
      expect(answer.headers.get('ratelimit-remaining')).toBe(String(60 - i));
      expect(answer.headers.get('ratelimit-reset')).toBe(String(i));
    }
    const limited = await centers(mock);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-reset')).toBe('60');
    expect(limited.headers.get('organization-ratelimit-limit')).toBe('60;w=60;b=60');
    expect(limited.body.error.code).toBe(429);
    expect(typeof limited.body.error.message).toBe('string');
    // Another organisation has its own bucket.
    expect((await centers(mock, D.other.apiKey)).status).toBe(200);
    expect(mock.control.counters().resources.byStatus).toEqual({ '200': 61, '429': 1 });
  });

  it('counts token calls against the organisation of account_name, even rejected ones', async () => {
    const mock = await startMock({ rateLimit: BUCKET });
    for (let i = 0; i < 30; i++) expect((await postToken(mock, employeeGrant())).status).toBe(200);
    for (let i = 0; i < 20; i++)
      expect((await postToken(mock, employeeGrant({ password: 'bad' }))).status).toBe(401);
    for (let i = 0; i < 10; i++) expect((await centers(mock)).status).toBe(200);
    const limitedToken = await postToken(mock, employeeGrant());
    expect(limitedToken.status).toBe(429);
    expect(limitedToken.headers.get('retry-after')).toBe('1');
    expect((await centers(mock)).status).toBe(429);
    expect(mock.control.counters().token.rateLimited).toBe(1);
    // An unknown account is attributable to no organisation: no headers, no charge.
    const unknown = await postToken(mock, employeeGrant({ account_name: 'no-such-spa' }));
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('ratelimit-remaining')).toBeNull();
  });

  it('refills continuously as the clock advances', async () => {
    const mock = await startMock({ rateLimit: BUCKET });
    for (let i = 0; i < 60; i++) await centers(mock);
    expect((await centers(mock)).status).toBe(429);
    mock.control.advanceTime(999);
    expect((await centers(mock)).status).toBe(429);
    mock.control.advanceTime(1);
    const one = await centers(mock);
    expect(one.status).toBe(200);
    expect(one.headers.get('ratelimit-remaining')).toBe('0');
    expect((await centers(mock)).status).toBe(429);
    mock.control.advanceTime(120_000);
    const full = await centers(mock);
    expect(full.headers.get('ratelimit-remaining')).toBe('59');
  });

  it('does not charge or label unauthenticated calls', async () => {
    const mock = await startMock({ rateLimit: { limit: 1, windowSeconds: 60 } });
    const denied = await call(mock, '/v1/centers', { headers: { authorization: 'apikey nope' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('organization-ratelimit-limit')).toBeNull();
    expect((await centers(mock)).status).toBe(200);
    expect((await centers(mock)).status).toBe(429);
  });

  it('follows setRateLimit with a custom limit, window and burst', async () => {
    const mock = await startMock();
    mock.control.setRateLimit({ mode: 'bucket', limit: 5, windowSeconds: 10, burst: 2 });
    const first = await centers(mock);
    expect(first.headers.get('organization-ratelimit-limit')).toBe('5;w=10;b=2');
    expect(first.headers.get('ratelimit-remaining')).toBe('1');
    expect((await centers(mock)).status).toBe(200);
    const limited = await centers(mock);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('ratelimit-reset')).toBe('4');
    expect(() => mock.control.setRateLimit({ limit: 0, windowSeconds: 1 })).toThrow(/rateLimit.limit/);
  });

  it('can be switched off by option or by control', async () => {
    const off = await startMock({ rateLimit: false });
    for (let i = 0; i < 100; i++) {
      const answer = await centers(off);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('ratelimit-remaining')).toBeNull();
    }
    const mock = await startMock();
    for (let i = 0; i < 60; i++) await centers(mock);
    expect((await centers(mock)).status).toBe(429);
    mock.control.setRateLimit(false);
    expect((await centers(mock)).status).toBe(200);
  });
});
