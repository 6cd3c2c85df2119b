import { describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { serviceUser, TestClock, zenoti } from './support.ts';

const HOUR = 3_600_000;

function iso7(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

function body(credentials: Record<string, unknown> | null, error: unknown = null): string {
  return JSON.stringify({ credentials, error });
}

describe('malformed token responses', () => {
  const now = Date.now();
  const good = {
    access_token: 'AN:demo-spa|$ARD#aGVsbG8=',
    access_token_expiry: iso7(now + HOUR),
    refresh_token: 'AN:demo-spa|$ARD#cmVmcmVzaA==',
    refresh_token_expiry: iso7(now + 90 * 24 * HOUR),
    token_type: 'bearer',
  };
  it.each([
    ['a body that is not JSON', 'not json at all', 'application/json', 'INVALID_RESPONSE'],
    ['an HTML page', '<html><body>Service Unavailable</body></html>', 'text/html', 'INVALID_RESPONSE'],
    ['truncated JSON', body(good).slice(0, 40), 'application/json', 'INVALID_RESPONSE'],
    ['no credentials field', JSON.stringify({ error: null }), 'application/json', 'INVALID_RESPONSE'],
    // Zenoti's face of a login policy that refuses the sign-in (password policy, 2FA).
    ['credentials: null and no error', body(null), 'application/json', 'LOGIN_BLOCKED'],
    // A string where Zenoti's error object goes is a failure, not a policy's answer.
    [
      'credentials: null and an error that is a string',
      body(null, 'Unable to generate token'),
      'application/json',
      'INVALID_RESPONSE',
    ],
    [
      'a missing access token',
      body({ ...good, access_token: undefined }),
      'application/json',
      'INVALID_RESPONSE',
    ],
    [
      'an access token of the wrong type',
      body({ ...good, access_token: 12345 }),
      'application/json',
      'INVALID_RESPONSE',
    ],
    [
      'an expiry that is not a date',
      body({ ...good, access_token_expiry: 'tomorrow' }),
      'application/json',
      'INVALID_RESPONSE',
    ],
    [
      'an expiry in the past',
      body({ ...good, access_token_expiry: iso7(now - HOUR) }),
      'application/json',
      'INVALID_RESPONSE',
    ],
    [
      'a token type other than bearer',
      body({ ...good, token_type: 'mac' }),
      'application/json',
      'INVALID_RESPONSE',
    ],
    [
      '200 with a non-null error',
      body(null, { code: 500, message: 'Unable to generate token' }),
      'application/json',
      'TOKEN_ENDPOINT',
    ],
    [
      '200 with error code 4023 (the app credentials are wrong)',
      body(null, { code: 4023, message: 'Unable to generate token' }),
      'application/json',
      'CREDENTIALS_REJECTED',
    ],
    [
      '200 with a 401 error inside',
      body(null, { code: 401, message: 'Invalid account.' }),
      'application/json',
      'CREDENTIALS_REJECTED',
    ],
  ])('answers %s with a typed error and caches nothing', async (_name, raw, contentType, code) => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url, { retry: { retries: 0 }, credentialsCooldownMs: 0 }));
    z.control.injectFault('token', { kind: 'raw', status: 200, contentType, body: raw }, 1);
    await expect(auth.authorization()).rejects.toMatchObject({ code });
    // Nothing invalid was cached: the next call asks again and gets the mock's real token.
    await expect(auth.authorization()).resolves.toMatch(/^bearer AN:demo-spa\|/);
    expect(z.control.counters().token.total).toBe(2);
  });

  it('reads an expiry without a zone as UTC', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now });
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now, refreshWindowMs: 60_000 }));
    const expiry = clock.now() + 2 * HOUR;
    const noZone = iso7(expiry).replace(/Z$/, '');
    z.control.injectFault('token', { kind: 'raw', body: body({ ...good, access_token_expiry: noZone }) }, 1);
    const first = await auth.authorization();
    expect(first).toBe(`bearer ${good.access_token}`);
    clock.advance(2 * HOUR - 2 * 60_000); // 2 minutes before the UTC expiry: still cached
    expect(await auth.authorization()).toBe(first);
    clock.advance(90_000); // 30 s before expiry: inside the 1-minute window
    expect(await auth.authorization()).not.toBe(first);
  });

  it('falls back to a 10-hour lifetime when the expiry is missing', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now });
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now }));
    z.control.injectFault(
      'token',
      { kind: 'raw', body: body({ ...good, access_token_expiry: undefined }) },
      1,
    );
    const first = await auth.authorization();
    clock.advance(9 * HOUR);
    expect(await auth.authorization()).toBe(first);
    clock.advance(HOUR);
    expect(await auth.authorization()).not.toBe(first);
  });
});
