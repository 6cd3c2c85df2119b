import { describe, expect, it } from 'vitest';
import {
  bearer,
  call,
  D,
  employeeGrant,
  guestGrant,
  login,
  postToken,
  refresh,
  startMock,
  statusWith,
  T0,
} from './helpers.ts';

const DAY = 86_400_000;
const auth = (token: string): string => `bearer ${token}`;

describe('token lifecycle', () => {
  it('accepts a refresh token only once', async () => {
    const mock = await startMock();
    const first = await login(mock);
    expect((await refresh(mock, first.refresh_token)).status).toBe(200);
    const reuse = await refresh(mock, first.refresh_token);
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.message).toBe('The refresh token is invalid or expired.');
  });

  it("deactivates the user's older access tokens on refresh, keeps the new one and other users' tokens", async () => {
    const mock = await startMock();
    mock.control.addUser(D.accountName, { username: 'front.desk', password: 'Desk-Pass-1' });
    const older = await login(mock);
    const old = await login(mock);
    const colleague = await login(mock, employeeGrant({ user_name: 'front.desk', password: 'Desk-Pass-1' }));
    const guest = await login(mock, guestGrant(0));

    const refreshed = await refresh(mock, old.refresh_token);
    expect(refreshed.status).toBe(200);
    const fresh = refreshed.body.credentials.access_token as string;

    expect(await statusWith(mock, auth(old.access_token))).toBe(401);
    expect(await statusWith(mock, auth(older.access_token))).toBe(401);
    expect(await statusWith(mock, auth(fresh))).toBe(200);
    expect(await statusWith(mock, auth(colleague.access_token))).toBe(200);
    expect(await statusWith(mock, auth(guest.access_token))).toBe(200);
    // Another password grant's refresh token is not consumed by this refresh.
    expect((await refresh(mock, older.refresh_token)).status).toBe(200);
  });

  it('keeps older access tokens alive across a new password grant', async () => {
    const mock = await startMock();
    const first = await login(mock);
    const second = await login(mock);
    expect(await statusWith(mock, auth(first.access_token))).toBe(200);
    expect(await statusWith(mock, auth(second.access_token))).toBe(200);
  });

  it('expires access tokens after the access token TTL (frozen clock, advanceTime)', async () => {
    const mock = await startMock();
    const credentials = await login(mock);
    mock.control.advanceTime(DAY - 1);
    expect(await statusWith(mock, auth(credentials.access_token))).toBe(200);
    mock.control.advanceTime(1);
    expect(await statusWith(mock, auth(credentials.access_token))).toBe(401);
    // The refresh token outlives it and mints a working pair.
    const next = await refresh(mock, credentials.refresh_token);
    expect(next.status).toBe(200);
    expect(Date.parse(next.body.credentials.access_token_expiry)).toBe(T0 + 2 * DAY);
  });

  it('honours a millisecond access token TTL from options and from setAccessTokenTtl', async () => {
    const mock = await startMock({ accessTokenTtlMs: 1_500 });
    const a = await login(mock);
    expect(a.access_token_expiry).toBe('2026-11-28T10:00:01.5000000Z');
    mock.control.setAccessTokenTtl(250);
    const b = await login(mock);
    expect(b.access_token_expiry).toBe('2026-11-28T10:00:00.2500000Z');
    mock.control.advanceTime(250);
    expect(await statusWith(mock, auth(b.access_token))).toBe(401);
    expect(await statusWith(mock, auth(a.access_token))).toBe(200);
  });

  it('expires refresh tokens after 90 days and honours setRefreshTokenTtl', async () => {
    const mock = await startMock();
    const old = await login(mock);
    mock.control.setRefreshTokenTtl(60_000);
    const short = await login(mock);
    expect(Date.parse(short.refresh_token_expiry)).toBe(T0 + 60_000);
    mock.control.advanceTime(60_000);
    expect((await refresh(mock, short.refresh_token)).status).toBe(401);
    mock.control.advanceTime(90 * DAY - 60_000 - 1);
    expect((await refresh(mock, old.refresh_token)).status).toBe(200);

    const again = await login(mock);
    mock.control.setRefreshTokenTtl(90 * DAY);
    mock.control.advanceTime(90 * DAY);
    expect((await refresh(mock, again.refresh_token)).status).toBe(401);
  });

  it('expireAccessTokens() kills every access token but leaves refresh tokens usable', async () => {
    const mock = await startMock();
    const credentials = await login(mock);
    mock.control.expireAccessTokens();
    expect(await statusWith(mock, auth(credentials.access_token))).toBe(401);
    expect((await refresh(mock, credentials.refresh_token)).status).toBe(200);
  });

  it("kills the user's access and refresh tokens when the password changes", async () => {
    const mock = await startMock();
    const credentials = await login(mock);
    const guest = await login(mock, guestGrant(0));
    mock.control.setPassword(D.accountName, D.employee.username, 'New-Pass-2027');
    expect(await statusWith(mock, auth(credentials.access_token))).toBe(401);
    expect((await refresh(mock, credentials.refresh_token)).status).toBe(401);
    expect((await postToken(mock, employeeGrant())).status).toBe(401);
    expect((await postToken(mock, employeeGrant({ password: 'New-Pass-2027' }))).status).toBe(200);
    expect(await statusWith(mock, auth(guest.access_token))).toBe(200);
  });

  it("kills a removed user's tokens and refuses their login", async () => {
    const mock = await startMock();
    const credentials = await login(mock);
    mock.control.removeUser(D.accountName, D.employee.username);
    expect(await statusWith(mock, auth(credentials.access_token))).toBe(401);
    expect((await refresh(mock, credentials.refresh_token)).status).toBe(401);
    const relogin = await postToken(mock, employeeGrant());
    expect(relogin.status).toBe(401);
    expect(relogin.body.error.message).toBe('The username or password is incorrect.');
  });

  it('throws a clear error when the control names an unknown account or user', async () => {
    const mock = await startMock();
    expect(() => mock.control.setPassword('nope', 'x', 'y')).toThrow(/unknown account "nope"/);
    expect(() => mock.control.removeUser(D.accountName, 'ghost')).toThrow(/unknown user "ghost"/);
    expect(() => mock.control.addUser(D.accountName, { username: 'API.USER', password: 'x' })).toThrow(
      /already exists/,
    );
  });
});

describe('DELETE /v1/tokens/sessions/revoke', () => {
  const revoke = (mock: Parameters<typeof call>[0], init: RequestInit = {}) =>
    call(mock, '/v1/tokens/sessions/revoke', { method: 'DELETE', ...init });

  it("revokes the caller's access and refresh tokens for that app only", async () => {
    const mock = await startMock();
    const a = await login(mock);
    const b = await login(mock);
    const guest = await login(mock, guestGrant(0));
    const answer = await revoke(mock, bearer(a.access_token));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ success: true, error: null });
    expect(await statusWith(mock, auth(a.access_token))).toBe(401);
    expect(await statusWith(mock, auth(b.access_token))).toBe(401);
    expect((await refresh(mock, a.refresh_token)).status).toBe(401);
    expect((await refresh(mock, b.refresh_token)).status).toBe(401);
    expect(await statusWith(mock, auth(guest.access_token))).toBe(200);
    // A revoked token cannot revoke again.
    expect((await revoke(mock, bearer(a.access_token))).status).toBe(401);
  });

  it('answers 401 without a bearer token, with an API key, or with an unknown token', async () => {
    const mock = await startMock();
    for (const init of [
      {},
      { headers: { authorization: `apikey ${D.apiKey}` } },
      bearer('AN:demo-spa|$ARD#nope'),
    ]) {
      const answer = await revoke(mock, init);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ Message: 'Authorization has been denied for this request.' });
    }
    expect(mock.control.counters().revoke).toEqual({
      total: 3,
      ok: 0,
      rejected: 3,
      faulted: 0,
      rateLimited: 0,
    });
  });
});

describe('Date header', () => {
  it('dates every answer by the mock clock, so clients can correct for skew', async () => {
    let now = T0;
    const mock = await startMock({ now: () => now });
    now += 3_600_000;
    const res = await call(mock, '/v1/centers', { headers: { authorization: `apikey ${D.apiKey}` } });
    expect(res.headers.get('date')).toBe(new Date(T0 + 3_600_000).toUTCString());
  });
});
