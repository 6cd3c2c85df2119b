import { describe, expect, it } from 'vitest';
import { ZenotiAuth, type ZenotiAuthEvent } from '../src/index.ts';
import { D, guestApp, recorder, serviceUser, settle, TestClock, tokenCalls, zenoti } from './support.ts';

const HOUR = 3_600_000;

/** A token response as Zenoti sends it, with a login policy evaluation. */
function tokenResponse(policy: Record<string, unknown>, credentials: Record<string, unknown> | null): string {
  return JSON.stringify({ credentials, login_policy_evaluation: { userid: 'u-42', ...policy }, error: null });
}

function credentials(now: number): Record<string, unknown> {
  return {
    access_token: 'AN:demo-spa|$ARD#cG9saWN5',
    access_token_expiry: new Date(now + HOUR).toISOString(),
    refresh_token: 'AN:demo-spa|$ARD#cmVmcmVzaA==',
    refresh_token_expiry: new Date(now + 90 * 24 * HOUR).toISOString(),
    token_type: 'bearer',
  };
}

const of = <T extends ZenotiAuthEvent['type']>(events: ZenotiAuthEvent[], type: T) =>
  events.filter((e): e is Extract<ZenotiAuthEvent, { type: T }> => e.type === type);

describe('login policy', () => {
  it('is a final LOGIN_BLOCKED naming the policy action when allowlogin is false: 10 callers, 1 token call', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    const blocked = tokenResponse({ allowlogin: false, policyaction: 'ChangePassword' }, null);
    z.control.injectFault('token', { kind: 'raw', status: 200, body: blocked }, 1);
    const outcomes = await settle(Array.from({ length: 10 }, () => auth.authorization()));
    for (const outcome of outcomes)
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: { code: 'LOGIN_BLOCKED', transient: false },
      });
    const error = (outcomes[0] as PromiseRejectedResult).reason as Error;
    expect(error.message).toContain('policy action: "ChangePassword"');
    expect(error.message).not.toContain(D.employee.password);
    // Final until something changes: the cool-down holds later callers too.
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'LOGIN_BLOCKED' });
    expect(tokenCalls(z.control)).toBe(1);
  });

  it('emits passwordExpiring once per token that carries the reminder, and login() returns the policy', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now });
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(guestApp(z.url, { now: clock.now, onEvent }));
    const reminder = tokenResponse(
      { allowlogin: true, passwordexpiryreminder: true, policyaction: 'Remind' },
      credentials(clock.now()),
    );
    z.control.injectFault('token', { kind: 'raw', status: 200, body: reminder }, 1);
    const guest = D.guests[0];
    const result = await auth.login({ username: guest.username, password: guest.password });
    expect(result.loginPolicy).toEqual({
      allowLogin: true,
      passwordExpiryReminder: true,
      policyAction: 'Remind',
      userId: 'u-42',
    });
    for (let i = 0; i < 5; i++) await auth.authorization({ principal: result.principal });
    const reminders = of(events, 'passwordExpiring');
    expect(reminders).toEqual([
      { type: 'passwordExpiring', principal: result.principal, userId: 'u-42', tokenId: expect.any(String) },
    ]);
    expect(JSON.stringify(reminders)).not.toContain('cG9saWN5');
    // The next token (the mock's own answer: no reminder) says nothing more.
    const again = await auth.login({ username: guest.username, password: guest.password });
    expect(again.loginPolicy).toMatchObject({ allowLogin: true, passwordExpiryReminder: false });
    expect(of(events, 'token')).toHaveLength(2);
    expect(of(events, 'passwordExpiring')).toHaveLength(1);
  });
});

describe('account lockout', () => {
  it('maps Zenoti’s lockout answer to ACCOUNT_LOCKED, with no retry, and leaves the account alone for 15 minutes', async () => {
    const clock = new TestClock();
    // One wrong password locks, so the very first answer is the lockout.
    const z = await zenoti({ now: clock.now, lockout: { attempts: 1 } });
    z.control.setPassword(D.accountName, D.employee.username, 'changed-at-zenoti');
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now }));
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED', transient: false });
    clock.advance(14 * 60_000);
    const error = await auth.authorization().catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    expect((error as Error).message).toMatch(/administrator unlocks it in Zenoti/);
    expect(tokenCalls(z.control)).toBe(1);
    clock.advance(61_000);
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
    expect(tokenCalls(z.control)).toBe(2);
  });

  it('tells an end user who signs in to a locked account so, as ACCOUNT_LOCKED', async () => {
    const z = await zenoti({ lockout: { attempts: 2 } });
    const auth = new ZenotiAuth(guestApp(z.url));
    const guest = D.guests[0];
    await expect(auth.login({ username: guest.username, password: 'wrong' })).rejects.toMatchObject({
      code: 'CREDENTIALS_REJECTED',
    });
    await expect(auth.login({ username: guest.username, password: 'wrong' })).rejects.toMatchObject({
      code: 'ACCOUNT_LOCKED',
    });
    await expect(auth.login({ username: guest.username, password: guest.password })).rejects.toMatchObject({
      code: 'ACCOUNT_LOCKED',
    });
  });
});

describe('token endpoint failures classified by Zenoti’s error code', () => {
  it('takes a 500 with code 4023 ("Unable to generate token") as final: one call, no retries', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(
      serviceUser(z.url, { retry: { retries: 3, minDelayMs: 10, maxDelayMs: 10 } }),
    );
    const body = JSON.stringify({
      credentials: null,
      error: { code: 4023, message: 'Unable to generate token' },
    });
    z.control.injectFault('token', { kind: 'raw', status: 500, body }, 5);
    await expect(auth.authorization()).rejects.toMatchObject({
      code: 'CREDENTIALS_REJECTED',
      status: 500,
      transient: false,
    });
    expect(tokenCalls(z.control)).toBe(1);
  });

  it('still retries a 500 with no such code (a passing fault)', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(
      serviceUser(z.url, { retry: { retries: 3, minDelayMs: 10, maxDelayMs: 10 } }),
    );
    const body = JSON.stringify({ credentials: null, error: { code: 500, message: 'Internal error' } });
    z.control.injectFault('token', { kind: 'raw', status: 500, body }, 2);
    await expect(auth.authorization()).resolves.toMatch(/^bearer /);
    expect(tokenCalls(z.control)).toBe(3);
  });
});

describe('against the mock’s own sign-in knobs', () => {
  it('a user the login policy blocks: LOGIN_BLOCKED with the action; the same user reminded: passwordExpiring', async () => {
    const z = await zenoti();
    z.control.setLoginPolicy(D.accountName, D.employee.username, {
      allowLogin: false,
      policyAction: 'TwoFactor',
    });
    const blocked = new ZenotiAuth(serviceUser(z.url));
    await expect(blocked.authorization()).rejects.toMatchObject({
      code: 'LOGIN_BLOCKED',
      message: expect.stringContaining('"TwoFactor"'),
    });
    expect(z.control.counters().token.password.blocked).toBe(1);
    z.control.setLoginPolicy(D.accountName, D.employee.username, { passwordExpiryReminder: true });
    const { events, onEvent } = recorder();
    const reminded = new ZenotiAuth(serviceUser(z.url, { onEvent }));
    await reminded.authorization();
    expect(of(events, 'passwordExpiring')).toHaveLength(1);
  });

  it('wrong app credentials answered 500 with code 4023: final after one call', async () => {
    const z = await zenoti({ badAppAnswer: '500-4023' });
    const auth = new ZenotiAuth(
      serviceUser(z.url, {
        app: { accountName: D.accountName, appId: D.employeeApp.appId, appSecret: 'not-the-secret' },
      }),
    );
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED', status: 500 });
    expect(tokenCalls(z.control)).toBe(1);
  });

  it.each(['text', 'empty', 'no-content', 'json'] as const)(
    'a revoke answered "%s" is done',
    async (revokeAnswer) => {
      const z = await zenoti({ revokeAnswer });
      const auth = new ZenotiAuth(guestApp(z.url));
      const guest = D.guests[0];
      const { principal } = await auth.login({ username: guest.username, password: guest.password });
      expect(await auth.logout(principal)).toEqual({ revoked: true });
      expect(z.control.counters().revoke.ok).toBe(1);
    },
  );
});
