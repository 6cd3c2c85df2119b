import { describe, expect, it } from 'vitest';
import { createMockZenotiApp, LOCKED_MESSAGE } from '../src/index.ts';
import {
  apikey,
  bearer,
  call,
  D,
  employeeGrant,
  guestGrant,
  login,
  type Mock,
  postToken,
  refresh,
  startMock,
  T0,
} from './helpers.ts';

const LOCKED = /^Login failed, account has been locked/;
const WRONG = 'The username or password is incorrect.';
const MINUTES_15 = 900_000;

const wrong = (mock: Mock) => postToken(mock, employeeGrant({ password: 'stale-password' }));
const right = (mock: Mock) => postToken(mock, employeeGrant());
const status = (mock: Mock) => mock.control.lockoutStatus(D.accountName, D.employee.username);

async function failTimes(mock: Mock, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const answer = await wrong(mock);
    expect(answer.body.error.message).toBe(WRONG);
  }
}

describe('account lockout (default: 5 rejected passwords in 15 min lock for 15 min)', () => {
  it('locks the login at the 5th rejected password and then refuses even the right one', async () => {
    const mock = await startMock();
    await failTimes(mock, 4);
    expect(status(mock)).toEqual({ locked: false, lockedUntil: null, failedAttempts: 4 });
    const fifth = await wrong(mock);
    expect(fifth.status).toBe(401);
    expect(fifth.body).toEqual({
      credentials: null,
      error: { code: 401, message: expect.stringMatching(LOCKED) },
    });
    const rightWhileLocked = await right(mock);
    expect(rightWhileLocked.status).toBe(401);
    expect(rightWhileLocked.body.error.message).toMatch(LOCKED);
    expect((await wrong(mock)).body.error.message).toMatch(LOCKED);
    expect(status(mock)).toEqual({ locked: true, lockedUntil: T0 + MINUTES_15, failedAttempts: 0 });
    expect(mock.control.counters().token).toMatchObject({
      password: { ok: 0, rejected: 7, invalid: 0 },
      lockouts: 1,
      lockedOut: 3,
    });
  });

  it('unlocks after unlockAfterMs on the mock clock, with a fresh count', async () => {
    const mock = await startMock();
    await failTimes(mock, 4);
    expect((await wrong(mock)).body.error.message).toMatch(LOCKED);
    mock.control.advanceTime(MINUTES_15 - 1);
    expect((await right(mock)).body.error.message).toMatch(LOCKED);
    mock.control.advanceTime(1);
    expect(status(mock)).toEqual({ locked: false, lockedUntil: null, failedAttempts: 0 });
    await failTimes(mock, 4);
    expect((await right(mock)).status).toBe(200);
  });

  it('clears the count on a right password before the lock', async () => {
    const mock = await startMock();
    await failTimes(mock, 4);
    expect((await right(mock)).status).toBe(200);
    expect(status(mock).failedAttempts).toBe(0);
    await failTimes(mock, 4);
    expect((await wrong(mock)).body.error.message).toMatch(LOCKED);
    expect(mock.control.counters().token.lockouts).toBe(1);
  });

  it('counts only rejected passwords within windowMs', async () => {
    const mock = await startMock();
    await failTimes(mock, 4);
    mock.control.advanceTime(MINUTES_15);
    await failTimes(mock, 4);
    expect(status(mock)).toMatchObject({ locked: false, failedAttempts: 4 });
  });

  it('locks one user only; unknown users, bad apps and refresh grants are untouched', async () => {
    const mock = await startMock();
    const before = await login(mock);
    for (let i = 0; i < 10; i++) {
      await postToken(mock, employeeGrant({ user_name: 'nobody', password: 'x' }));
      await postToken(mock, employeeGrant({ app_secret: 'bad-secret', password: 'x' }));
    }
    expect(status(mock).failedAttempts).toBe(0);
    await failTimes(mock, 4);
    await wrong(mock);
    expect(status(mock).locked).toBe(true);
    // Other users, other organisations, tokens already issued and refresh grants keep working.
    expect((await postToken(mock, guestGrant(0))).status).toBe(200);
    expect(
      (
        await postToken(mock, {
          ...employeeGrant(),
          account_name: D.other.accountName,
          user_name: D.other.employee.username,
          password: D.other.employee.password,
          app_id: D.other.employeeApp.appId,
          app_secret: D.other.employeeApp.appSecret,
        })
      ).status,
    ).toBe(200);
    expect((await call(mock, '/v1/centers', bearer(before.access_token))).status).toBe(200);
    expect((await refresh(mock, before.refresh_token)).status).toBe(200);
  });

  it('follows the lockout option, and never locks with lockout: false', async () => {
    const mock = await startMock({ lockout: { attempts: 2, windowMs: 1_000, unlockAfterMs: 5_000 } });
    await failTimes(mock, 1);
    expect((await wrong(mock)).body.error.message).toMatch(LOCKED);
    expect(status(mock).lockedUntil).toBe(T0 + 5_000);
    mock.control.advanceTime(5_000);
    expect((await right(mock)).status).toBe(200);

    const off = await startMock({ lockout: false });
    await failTimes(off, 20);
    expect((await right(off)).status).toBe(200);
    expect(off.control.counters().token.lockouts).toBe(0);
  });

  it('rejects bad lockout options naming the field', () => {
    const bad = (lockout: unknown) => () => createMockZenotiApp({ lockout: lockout as false });
    expect(bad({ attempts: 0 })).toThrow(/lockout\.attempts/);
    expect(bad({ attempts: 2.5 })).toThrow(/lockout\.attempts/);
    expect(bad({ windowMs: 0 })).toThrow(/lockout\.windowMs/);
    expect(bad({ unlockAfterMs: Number.NaN })).toThrow(/lockout\.unlockAfterMs/);
    expect(bad('on')).toThrow(/lockout must be false or/);
  });
});

describe('the lockout answer (core recognises it by its message)', () => {
  it('is exactly 401 with the exported LOCKED_MESSAGE in the token error envelope', async () => {
    expect(LOCKED_MESSAGE).toBe(
      'Login failed, account has been locked. Try again later or ask an administrator.',
    );
    const mock = await startMock({ lockout: { attempts: 1 } });
    for (const answer of [await wrong(mock), await right(mock)]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual({ credentials: null, error: { code: 401, message: LOCKED_MESSAGE } });
    }
  });
});

describe('lockout control', () => {
  it('unlockUser, setLockout and reset() lift locks', async () => {
    const mock = await startMock();
    await failTimes(mock, 4);
    await wrong(mock);
    mock.control.unlockUser(D.accountName, D.employee.username.toUpperCase());
    expect((await right(mock)).status).toBe(200);

    mock.control.setLockout({ attempts: 1 });
    expect((await wrong(mock)).body.error.message).toMatch(LOCKED);
    mock.control.setLockout(false);
    expect((await right(mock)).status).toBe(200);

    mock.control.setLockout({ attempts: 1 });
    await wrong(mock);
    mock.control.reset();
    expect(status(mock).locked).toBe(false);
    // reset() restores the start-up options (the default 5 attempts).
    await failTimes(mock, 4);
    expect(() => mock.control.lockoutStatus(D.accountName, 'nobody')).toThrow(/unknown user "nobody"/);
    expect(() => mock.control.setLockout({ attempts: -1 })).toThrow(/lockout\.attempts/);
  });

  it('is reachable over the HTTP control routes', async () => {
    const mock = await startMock({ controlRoutes: true });
    const post = (path: string, body: unknown) =>
      call(mock, `/__mock${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const query = `accountName=${D.accountName}&username=${encodeURIComponent(D.employee.username)}`;

    expect((await post('/lockout', { attempts: 2, unlockAfterMs: 60_000 })).status).toBe(200);
    await failTimes(mock, 1);
    await wrong(mock);
    const locked = await call(mock, `/__mock/users/lockout?${query}`);
    expect(locked.body).toEqual({ ok: true, locked: true, lockedUntil: T0 + 60_000, failedAttempts: 0 });
    const unlock = await post('/users/unlock', { accountName: D.accountName, username: D.employee.username });
    expect(unlock.body).toEqual({ ok: true });
    expect((await call(mock, `/__mock/users/lockout?${query}`)).body.locked).toBe(false);
    expect((await post('/lockout', false)).status).toBe(200);
    await failTimes(mock, 3);
    expect((await right(mock)).status).toBe(200);

    const badOptions = await post('/lockout', { attempts: 'five' });
    expect(badOptions.status).toBe(400);
    expect(badOptions.body.error.message).toMatch(/lockout\.attempts/);
    const missing = await call(mock, `/__mock/users/lockout?accountName=${D.accountName}`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/"username" must be a string/);
    expect((await call(mock, '/v1/centers', apikey())).status).toBe(200);
  });
});
