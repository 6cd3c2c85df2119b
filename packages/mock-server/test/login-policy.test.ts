import { describe, expect, it } from 'vitest';
import { createMockZenotiApp, type MockSeed } from '../src/index.ts';
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
} from './helpers.ts';

const ALLOW = {
  allowlogin: true,
  policyaction: 0,
  policyactiondata: null,
  userid: null,
  passwordexpiryreminder: false,
};

const USER_ID = '8e1c2f4a-6b0d-4c3e-9a57-1d2e3f4a5b6c';

const setPolicy = (mock: Mock, policy: Parameters<Mock['control']['setLoginPolicy']>[2]) =>
  mock.control.setLoginPolicy(D.accountName, D.employee.username, policy);

const control = (mock: Mock, path: string, body: unknown) =>
  call(mock, `/__mock${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('login policy on the password grant', () => {
  it('blocks a login with 200, credentials null, the evaluation and no error; counts it as blocked', async () => {
    const mock = await startMock();
    setPolicy(mock, { allowLogin: false, policyAction: 3, policyActionData: 'two-factor', userId: USER_ID });
    const answer = await postToken(mock, employeeGrant());
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual({
      credentials: null,
      login_policy_evaluation: {
        allowlogin: false,
        policyaction: 3,
        policyactiondata: 'two-factor',
        userid: USER_ID,
        passwordexpiryreminder: false,
      },
      error: null,
    });
    expect(mock.control.counters().token.password).toEqual({ ok: 0, rejected: 0, invalid: 0, blocked: 1 });
    // Only that user is blocked.
    expect((await postToken(mock, guestGrant(0))).body.login_policy_evaluation).toEqual(ALLOW);
  });

  it('checks the password first: a wrong one is still 401 and counts towards the lockout', async () => {
    const mock = await startMock();
    setPolicy(mock, { allowLogin: false });
    const wrong = await postToken(mock, employeeGrant({ password: 'stale' }));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('The username or password is incorrect.');
    expect(mock.control.lockoutStatus(D.accountName, D.employee.username).failedAttempts).toBe(1);
    // The right password clears the count even though the login is then blocked.
    expect((await postToken(mock, employeeGrant())).body.credentials).toBeNull();
    expect(mock.control.lockoutStatus(D.accountName, D.employee.username).failedAttempts).toBe(0);
  });

  it('issues tokens with a reminder or a policy action when the login is allowed', async () => {
    const mock = await startMock();
    setPolicy(mock, { passwordExpiryReminder: true, policyAction: 'ChangePassword', policyActionData: '5' });
    const answer = await postToken(mock, employeeGrant());
    expect(answer.status).toBe(200);
    expect(answer.body.credentials.access_token).toMatch(/^AN:demo-spa\|/);
    expect(answer.body.login_policy_evaluation).toEqual({
      allowlogin: true,
      policyaction: 'ChangePassword',
      policyactiondata: '5',
      userid: null,
      passwordexpiryreminder: true,
    });
    expect(mock.control.counters().token.password.ok).toBe(1);
  });

  it('clears the policy with null or false; tokens issued before a block keep working', async () => {
    const mock = await startMock();
    const before = await login(mock);
    setPolicy(mock, { allowLogin: false });
    expect((await call(mock, '/v1/centers', bearer(before.access_token))).status).toBe(200);
    setPolicy(mock, null);
    expect((await postToken(mock, employeeGrant())).body.login_policy_evaluation).toEqual(ALLOW);
    setPolicy(mock, { allowLogin: false });
    setPolicy(mock, false);
    expect((await postToken(mock, employeeGrant())).status).toBe(200);
    expect(mock.control.counters().token.password.ok).toBe(3);
  });

  it('rejects a bad policy with an error naming the field, and an unknown user', async () => {
    const mock = await startMock();
    expect(() => setPolicy(mock, { allowLogin: 'no' } as never)).toThrow(
      'loginPolicy.allowLogin must be a boolean',
    );
    expect(() => setPolicy(mock, { allowlogin: false } as never)).toThrow(
      'loginPolicy.allowlogin is not a login policy field',
    );
    expect(() => setPolicy(mock, { policyAction: {} } as never)).toThrow('loginPolicy.policyAction must be');
    expect(() => setPolicy(mock, { policyActionData: 7 } as never)).toThrow(
      'loginPolicy.policyActionData must be a string or null',
    );
    expect(() => setPolicy(mock, { passwordExpiryReminder: 1 } as never)).toThrow(
      'loginPolicy.passwordExpiryReminder must be a boolean',
    );
    expect(() => setPolicy(mock, 'block' as never)).toThrow('loginPolicy must be an object');
    expect(() => mock.control.setLoginPolicy(D.accountName, 'ghost', { allowLogin: false })).toThrow(
      /unknown user "ghost"/,
    );
    // Nothing was set by the failed calls.
    expect((await postToken(mock, employeeGrant())).body.login_policy_evaluation).toEqual(ALLOW);
  });
});

describe('login policy on the refresh grant (assumed: evaluated like a login)', () => {
  it('blocks a refresh without using up the refresh token or touching the access token', async () => {
    const mock = await startMock();
    const first = await login(mock);
    setPolicy(mock, { allowLogin: false, policyAction: 1 });
    const blocked = await refresh(mock, first.refresh_token);
    expect(blocked.status).toBe(200);
    expect(blocked.body).toEqual({
      credentials: null,
      login_policy_evaluation: { ...ALLOW, allowlogin: false, policyaction: 1 },
      error: null,
    });
    expect(mock.control.counters().token.refresh).toEqual({ ok: 0, rejected: 0, invalid: 0, blocked: 1 });
    expect((await call(mock, '/v1/centers', bearer(first.access_token))).status).toBe(200);
    setPolicy(mock, null);
    const after = await refresh(mock, first.refresh_token);
    expect(after.status).toBe(200);
    expect(after.body.credentials.refresh_token).toMatch(/^AN:demo-spa\|/);
  });

  it('carries the reminder on a refresh too', async () => {
    const mock = await startMock();
    const first = await login(mock);
    setPolicy(mock, { passwordExpiryReminder: true });
    const answer = await refresh(mock, first.refresh_token);
    expect(answer.body.login_policy_evaluation).toEqual({ ...ALLOW, passwordexpiryreminder: true });
  });

  it('always allows refreshes with loginPolicyOnRefresh: false, switchable at run time', async () => {
    const mock = await startMock({ loginPolicyOnRefresh: false });
    const first = await login(mock);
    setPolicy(mock, { allowLogin: false, passwordExpiryReminder: true });
    const answer = await refresh(mock, first.refresh_token);
    expect(answer.status).toBe(200);
    expect(answer.body.login_policy_evaluation).toEqual(ALLOW);
    mock.control.setLoginPolicyOnRefresh(true);
    expect((await refresh(mock, answer.body.credentials.refresh_token)).body.credentials).toBeNull();
    expect(() => mock.control.setLoginPolicyOnRefresh('yes' as never)).toThrow(
      'loginPolicyOnRefresh must be true or false',
    );
    expect(() => createMockZenotiApp({ loginPolicyOnRefresh: 1 as never })).toThrow('loginPolicyOnRefresh');
  });

  it('still rejects an unknown refresh token with 401 while a policy is set', async () => {
    const mock = await startMock();
    setPolicy(mock, { allowLogin: false });
    expect((await refresh(mock, 'AN:demo-spa|$ARD#bogus')).status).toBe(401);
  });
});

describe('login policy in the seed and over HTTP', () => {
  const seed: MockSeed = {
    organizations: [
      {
        accountName: 'acme',
        apps: [{ appId: 'APP-1', appSecret: 'secret-1' }],
        users: [
          { username: 'ops', password: 'pw', loginPolicy: { allowLogin: false, policyAction: 2 } },
          { username: 'dev', password: 'pw', loginPolicy: { passwordExpiryReminder: true } },
        ],
      },
    ],
  };
  const grant = (user: string) => ({
    account_name: 'acme',
    user_name: user,
    password: 'pw',
    grant_type: 'password',
    app_id: 'APP-1',
    app_secret: 'secret-1',
  });

  it('applies seeded policies, and reset() brings them back', async () => {
    const mock = await startMock({ seed });
    expect((await postToken(mock, grant('ops'))).body.login_policy_evaluation).toMatchObject({
      allowlogin: false,
      policyaction: 2,
    });
    expect((await postToken(mock, grant('dev'))).body.login_policy_evaluation.passwordexpiryreminder).toBe(
      true,
    );
    mock.control.setLoginPolicy('acme', 'ops', null);
    expect((await postToken(mock, grant('ops'))).status).toBe(200);
    mock.control.reset();
    expect((await postToken(mock, grant('ops'))).body.credentials).toBeNull();
  });

  it('rejects a bad seeded policy naming its path', () => {
    const bad = (loginPolicy: unknown) => ({
      organizations: [{ accountName: 'a', users: [{ username: 'u', password: 'p', loginPolicy }] }],
    });
    expect(() => createMockZenotiApp({ seed: bad({ allowLogin: 'false' }) as never })).toThrow(
      'invalid seed: organizations[0].users[0].loginPolicy.allowLogin must be a boolean',
    );
    expect(() => createMockZenotiApp({ seed: bad({ reminder: true }) as never })).toThrow(
      'organizations[0].users[0].loginPolicy.reminder is not a login policy field',
    );
  });

  it('is set, switched and cleared through the HTTP control routes, with 400 naming bad fields', async () => {
    const mock = await startMock({ controlRoutes: true });
    const user = { accountName: D.accountName, username: D.employee.username };
    const first = await login(mock);
    expect(
      (await control(mock, '/users/login-policy', { ...user, loginPolicy: { allowLogin: false } })).body,
    ).toEqual({ ok: true });
    expect((await postToken(mock, employeeGrant())).body.credentials).toBeNull();
    await control(mock, '/login-policy-on-refresh', { loginPolicyOnRefresh: false });
    expect((await refresh(mock, first.refresh_token)).status).toBe(200);
    await control(mock, '/users/login-policy', { ...user, loginPolicy: null });
    expect((await postToken(mock, employeeGrant())).status).toBe(200);

    const missing = await control(mock, '/users/login-policy', user);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('"loginPolicy" must be');
    const badField = await control(mock, '/users/login-policy', { ...user, loginPolicy: { userId: 5 } });
    expect(badField.body.error.message).toContain('loginPolicy.userId must be a string or null');
    const badSwitch = await control(mock, '/login-policy-on-refresh', { loginPolicyOnRefresh: 'off' });
    expect(badSwitch.status).toBe(400);
    expect(badSwitch.body.error.message).toContain('loginPolicyOnRefresh must be true or false');
    expect((await call(mock, '/v1/centers', apikey())).status).toBe(200);
  });
});
