import { describe, expect, it } from 'vitest';
import { createMockZenotiApp } from '../src/index.ts';
import { apikey, call, D, type Mock, startMock, statusWith, T0 } from './helpers.ts';

const WEEK = 7 * 86_400_000;
const DENIED = { Message: 'Authorization has been denied for this request.' };

const control = (mock: Mock, path: string, body: unknown) =>
  call(mock, `/__mock${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('API key rotation (Zenoti: the old key works one more week)', () => {
  it('is driven by the `now` option: the old key is refused with the 401 denial body after a week', async () => {
    let now = T0;
    const mock = await startMock({ now: () => now });
    const newKey = mock.control.rotateApiKey(D.accountName, D.apiKey);
    now = T0 + WEEK - 1;
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(200);
    now = T0 + WEEK;
    const refused = await call(mock, '/v1/centers', apikey(D.apiKey));
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(DENIED);
    expect(await statusWith(mock, `apikey ${newKey}`)).toBe(200);
    expect(mock.control.counters().resources.byStatus).toEqual({ '200': 2, '401': 1 });
  });

  it('serves every call during a rotation with either key, then only the new one', async () => {
    const mock = await startMock({ rateLimit: false });
    const before = Array.from({ length: 20 }, () => statusWith(mock, `apikey ${D.apiKey}`));
    const newKey = mock.control.rotateApiKey(D.accountName, D.apiKey);
    const during = Array.from({ length: 20 }, (_, i) =>
      statusWith(mock, `apikey ${i % 2 === 0 ? D.apiKey : newKey}`),
    );
    expect(new Set(await Promise.all([...before, ...during]))).toEqual(new Set([200]));
    mock.control.advanceTime(WEEK);
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(401);
    expect(await statusWith(mock, `apikey ${newKey}`)).toBe(200);
  });

  it('keeps each old key to its first deadline, however often it or its successor is rotated', async () => {
    const mock = await startMock({ apiKeyRotationGraceMs: 10_000 });
    const second = mock.control.rotateApiKey(D.accountName, D.apiKey);
    mock.control.advanceTime(4_000);
    // Rotating the original key again (it is still live) must not give it another grace period.
    const third = mock.control.rotateApiKey(D.accountName, D.apiKey);
    const fourth = mock.control.rotateApiKey(D.accountName, second);
    mock.control.advanceTime(6_000);
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(401);
    expect(await statusWith(mock, `apikey ${second}`)).toBe(200);
    mock.control.advanceTime(4_000);
    expect(await statusWith(mock, `apikey ${second}`)).toBe(401);
    for (const key of [third, fourth]) expect(await statusWith(mock, `apikey ${key}`)).toBe(200);
    // A retired key cannot be rotated.
    expect(() => mock.control.rotateApiKey(D.accountName, D.apiKey)).toThrow(/not a live key/);
  });

  it('retires the old key at once with a grace of 0, and rejects a negative grace naming the option', async () => {
    const mock = await startMock({ apiKeyRotationGraceMs: 0 });
    mock.control.rotateApiKey(D.accountName, D.apiKey);
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(401);
    expect(() => createMockZenotiApp({ apiKeyRotationGraceMs: -1 })).toThrow(/apiKeyRotationGraceMs/);
  });

  it('rotates through the HTTP control routes, on the clock moved by /__mock/clock/advance', async () => {
    const mock = await startMock({ controlRoutes: true });
    const rotated = await control(mock, '/api-keys/rotate', { accountName: D.accountName, key: D.apiKey });
    expect(rotated.body).toEqual({ ok: true, key: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await control(mock, '/clock/advance', { ms: WEEK - 1 });
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(200);
    await control(mock, '/clock/advance', { ms: 1 });
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(401);
    expect(await statusWith(mock, `apikey ${rotated.body.key}`)).toBe(200);
    // reset() brings the seed's key back.
    mock.control.reset();
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(200);
    expect(await statusWith(mock, `apikey ${rotated.body.key}`)).toBe(401);
  });
});
