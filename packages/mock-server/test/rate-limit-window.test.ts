import { describe, expect, it } from 'vitest';
import { createMockZenotiApp } from '../src/index.ts';
import { type Answer, apikey, call, D, employeeGrant, type Mock, postToken, startMock } from './helpers.ts';

const get = (mock: Mock, path: string, key: string = D.apiKey) => call(mock, path, apikey(key));
const centers = (mock: Mock, key?: string) => get(mock, '/v1/centers', key);

/** The rate-limit headers of an answer, `null` where absent. */
const limits = (answer: Answer) => ({
  status: answer.status,
  org: answer.headers.get('organization-ratelimit-limit'),
  api: answer.headers.get('api-ratelimit-limit'),
  limit: answer.headers.get('ratelimit-limit'),
  remaining: answer.headers.get('ratelimit-remaining'),
  reset: answer.headers.get('ratelimit-reset'),
  retryAfter: answer.headers.get('retry-after'),
});

describe('organisation rate limit, window mode (the default; frozen clock)', () => {
  it('gives 60 calls per window, then 429 until the window ends, then all 60 again', async () => {
    const mock = await startMock();
    // The window opens at the first counted call, not at the mock's start.
    mock.control.advanceTime(10_000);
    for (let i = 1; i <= 60; i++) {
      expect(limits(await centers(mock))).toEqual({
        status: 200,
        org: '60;w=60;b=60',
        api: null,
        limit: null,
        remaining: String(60 - i),
        reset: '60',
        retryAfter: null,
      });
    }
    const limited = await centers(mock);
    expect(limits(limited)).toMatchObject({ status: 429, remaining: '0', reset: '60', retryAfter: '60' });
    expect(limited.body.error.code).toBe(429);

    // A bucket would have given a call back every second; a window gives none before its end.
    mock.control.advanceTime(30_000);
    expect(limits(await centers(mock))).toMatchObject({ status: 429, reset: '30', retryAfter: '30' });
    mock.control.advanceTime(29_999);
    expect(limits(await centers(mock))).toMatchObject({ status: 429, reset: '1', retryAfter: '1' });
    // Another organisation counts on its own.
    expect(limits(await centers(mock, D.other.apiKey))).toMatchObject({ status: 200, remaining: '59' });

    mock.control.advanceTime(1);
    expect(limits(await centers(mock))).toMatchObject({ status: 200, remaining: '59', reset: '60' });
    mock.control.advanceTime(45_000);
    expect(limits(await centers(mock))).toMatchObject({ status: 200, remaining: '58', reset: '15' });
    expect(mock.control.counters().resources.byStatus).toEqual({ '200': 63, '429': 3 });
  });

  it('accepts fractional windows and rounds the header seconds up', async () => {
    const mock = await startMock({ rateLimit: { limit: 2, windowSeconds: 0.5 } });
    expect(limits(await centers(mock))).toMatchObject({ org: '2;w=0.5;b=2', remaining: '1', reset: '1' });
    expect((await centers(mock)).status).toBe(200);
    expect(limits(await centers(mock))).toMatchObject({ status: 429, reset: '1', retryAfter: '1' });
    mock.control.advanceTime(499);
    expect((await centers(mock)).status).toBe(429);
    mock.control.advanceTime(1);
    expect(limits(await centers(mock))).toMatchObject({ status: 200, remaining: '1' });
  });

  it('refills on the real clock too', async () => {
    const mock = await startMock({ now: Date.now, rateLimit: { limit: 1, windowSeconds: 0.2 } });
    expect((await centers(mock)).status).toBe(200);
    expect((await centers(mock)).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await centers(mock)).status).toBe(200);
  });

  it('counts token calls, and 429s count as rateLimited', async () => {
    const mock = await startMock({ rateLimit: { limit: 2, windowSeconds: 60 } });
    expect((await postToken(mock, employeeGrant())).status).toBe(200);
    expect((await centers(mock)).status).toBe(200);
    const limited = await postToken(mock, employeeGrant());
    expect(limits(limited)).toMatchObject({ status: 429, retryAfter: '60' });
    expect(mock.control.counters().token).toMatchObject({ total: 2, rateLimited: 1 });
  });

  it('rejects options that do not fit the mode, naming the field', () => {
    const bad = (rateLimit: unknown) => () =>
      createMockZenotiApp({ rateLimit: rateLimit as { limit: number; windowSeconds: number } });
    expect(bad({ limit: 5, windowSeconds: 10, burst: 2 })).toThrow(
      /rateLimit\.burst applies only to mode "bucket"/,
    );
    expect(bad({ limit: 1.5, windowSeconds: 10 })).toThrow(/rateLimit\.limit must be a whole number/);
    expect(bad({ mode: 'sliding', limit: 5, windowSeconds: 10 })).toThrow(/rateLimit\.mode/);
    expect(
      bad({ limit: 5, windowSeconds: 10, apis: [{ path: 'v1/guests', limit: 1, windowSeconds: 1 }] }),
    ).toThrow(/rateLimit\.apis\[0\]\.path/);
    expect(
      bad({ limit: 5, windowSeconds: 10, apis: [{ path: '/v1/guests', limit: 1, windowSeconds: 0 }] }),
    ).toThrow(/rateLimit\.apis\[0\]\.windowSeconds/);
    // Bucket mode keeps its fractional limits and burst.
    expect(bad({ mode: 'bucket', limit: 1.5, windowSeconds: 10, burst: 3 })).not.toThrow();
  });
});

describe('per-API limits (Api-RateLimit-Limit)', () => {
  const GUESTS = { path: '/v1/guests', limit: 2, windowSeconds: 10 };

  it('count on top of the organisation; RateLimit-Limit names the level that runs out first', async () => {
    const mock = await startMock({ rateLimit: { limit: 5, windowSeconds: 60, apis: [GUESTS] } });
    expect(limits(await centers(mock))).toEqual({
      status: 200,
      org: '5;w=60;b=5',
      api: null,
      limit: null,
      remaining: '4',
      reset: '60',
      retryAfter: null,
    });
    expect(limits(await get(mock, '/v1/guests/search'))).toEqual({
      status: 200,
      org: '5;w=60;b=5',
      api: '2;w=10;b=2',
      limit: '2;w=10;b=2',
      remaining: '1',
      reset: '10',
      retryAfter: null,
    });
    // Paths compare case-insensitively; an unknown guest is still a counted call.
    expect(limits(await get(mock, `/V1/Guests/${D.guests[0].guestId}`))).toMatchObject({
      status: 200,
      remaining: '0',
    });
    const apiLimited = await get(mock, '/v1/guests/search');
    expect(limits(apiLimited)).toMatchObject({
      status: 429,
      limit: '2;w=10;b=2',
      remaining: '0',
      reset: '10',
      retryAfter: '10',
    });
    // The API's 429 took nothing from the organisation: 3 used, this is the 4th.
    expect(limits(await centers(mock))).toMatchObject({ status: 200, remaining: '1' });

    mock.control.advanceTime(10_000);
    // The API's window is back (2 left → 1), the organisation's is not (1 left → 0): it runs out first.
    expect(limits(await get(mock, '/v1/guests/search'))).toEqual({
      status: 200,
      org: '5;w=60;b=5',
      api: '2;w=10;b=2',
      limit: '5;w=60;b=5',
      remaining: '0',
      reset: '50',
      retryAfter: null,
    });
    expect(limits(await get(mock, '/v1/guests/search'))).toMatchObject({
      status: 429,
      limit: '5;w=60;b=5',
      retryAfter: '50',
    });
    expect(mock.control.counters().resources.byStatus).toEqual({ '200': 5, '429': 2 });
  });

  it('match path patterns with * segments, per organisation', async () => {
    const services = { path: '/v1/centers/*/services', limit: 1, windowSeconds: 60 };
    const mock = await startMock({ rateLimit: { limit: 60, windowSeconds: 60, apis: [services] } });
    const id = (await centers(mock)).body.centers[0].id as string;
    expect(limits(await get(mock, `/v1/centers/${id}`)).api).toBeNull();
    expect(limits(await get(mock, `/v1/centers/${id}/services`))).toMatchObject({
      status: 200,
      api: '1;w=60;b=1',
      remaining: '0',
    });
    expect((await get(mock, `/v1/centers/${id}/services?page=2`)).status).toBe(429);
    expect((await get(mock, `/v1/centers/${id}/services`, D.other.apiKey)).status).toBe(200);
  });

  it('follow the mode: in bucket mode they refill continuously too', async () => {
    const mock = await startMock({
      rateLimit: { mode: 'bucket', limit: 60, windowSeconds: 60, apis: [{ ...GUESTS, limit: 10 }] },
    });
    for (let i = 0; i < 10; i++) expect((await get(mock, '/v1/guests/search')).status).toBe(200);
    expect(limits(await get(mock, '/v1/guests/search'))).toMatchObject({
      status: 429,
      api: '10;w=10;b=10',
      retryAfter: '1',
    });
    mock.control.advanceTime(1_000);
    expect((await get(mock, '/v1/guests/search')).status).toBe(200);
  });
});
