import { describe, expect, it } from 'vitest';
import {
  call,
  D,
  employeeGrant,
  guestGrant,
  login,
  postToken,
  SEVEN_DIGIT_UTC,
  startMock,
  T0,
} from './helpers.ts';

const DAY = 86_400_000;
const LOWER_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /v1/tokens password grant', () => {
  it("issues an employee token pair in Zenoti's response shape", async () => {
    const mock = await startMock();
    const answer = await postToken(mock, employeeGrant());
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const { credentials, login_policy_evaluation, error } = answer.body;
    expect(error).toBeNull();
    expect(login_policy_evaluation).toEqual({
      allowlogin: true,
      policyaction: 0,
      policyactiondata: null,
      userid: null,
      passwordexpiryreminder: false,
    });
    expect(Object.keys(credentials).sort()).toEqual(
      [
        'access_token',
        'access_token_expiry',
        'app_id',
        'refresh_token',
        'refresh_token_expiry',
        'token_id',
        'token_type',
        'user_type',
      ].sort(),
    );
    expect(credentials.access_token_expiry).toMatch(SEVEN_DIGIT_UTC);
    expect(credentials.refresh_token_expiry).toMatch(SEVEN_DIGIT_UTC);
    expect(credentials.access_token_expiry).toBe('2026-11-29T10:00:00.0000000Z');
    expect(Date.parse(credentials.refresh_token_expiry)).toBe(T0 + 90 * DAY);
    expect(credentials.token_type).toBe('bearer');
    expect(credentials.user_type).toBe('Employee');
    expect(credentials.app_id).toBe(D.employeeApp.appId);
    expect(credentials.token_id).toMatch(LOWER_GUID);
    for (const token of [credentials.access_token, credentials.refresh_token]) {
      expect(token.startsWith('AN:demo-spa|$ARD#')).toBe(true);
      expect(token).not.toContain('.');
      expect(token.length).toBeGreaterThan(500);
    }
    expect(credentials.access_token).not.toBe(credentials.refresh_token);
  });

  it('mints unique tokens and token ids on every grant', async () => {
    const mock = await startMock();
    const a = await login(mock);
    const b = await login(mock);
    expect(new Set([a.access_token, b.access_token, a.refresh_token, b.refresh_token]).size).toBe(4);
    expect(a.token_id).not.toBe(b.token_id);
  });

  it('echoes app_id as sent and matches it case-insensitively', async () => {
    const mock = await startMock();
    const lower = D.employeeApp.appId.toLowerCase();
    const credentials = await login(mock, employeeGrant({ app_id: lower }));
    expect(credentials.app_id).toBe(lower);
  });

  it('issues Guest tokens through the guest app', async () => {
    const mock = await startMock();
    const credentials = await login(mock, guestGrant(1));
    expect(credentials.user_type).toBe('Guest');
    expect(credentials.app_id).toBe(D.guestApp.appId);
  });

  it('accepts a grant without device_id', async () => {
    const mock = await startMock();
    const { device_id: _, ...grant } = employeeGrant();
    expect((await postToken(mock, grant)).status).toBe(200);
  });

  it('accepts an application/x-www-form-urlencoded body', async () => {
    const mock = await startMock();
    const form = new URLSearchParams(employeeGrant() as Record<string, string>);
    const answer = await call(mock, '/v1/tokens', { method: 'POST', body: form });
    expect(answer.status).toBe(200);
    expect(answer.body.credentials.user_type).toBe('Employee');
  });

  it.each([
    ['an unknown account', { account_name: 'no-such-spa' }, 'Invalid account.'],
    ['a wrong password', { password: 'wrong-password' }, 'The username or password is incorrect.'],
    ['an unknown user', { user_name: 'nobody' }, 'The username or password is incorrect.'],
    ['an unknown app id', { app_id: '00000000-0000-0000-0000-000000000000' }, 'Invalid account.'],
    ['a wrong app secret', { app_secret: 'f'.repeat(64) }, 'Invalid account.'],
    [
      'an app of another organisation',
      { app_id: D.other.employeeApp.appId, app_secret: D.other.employeeApp.appSecret },
      'Invalid account.',
    ],
    [
      'a guest logging in through the employee app',
      { user_name: D.guests[0].username, password: D.guests[0].password },
      'The username or password is incorrect.',
    ],
    [
      'an employee logging in through the guest app',
      { app_id: D.guestApp.appId, app_secret: D.guestApp.appSecret },
      'The username or password is incorrect.',
    ],
  ])('rejects %s with 401 and Zenoti-style error body', async (_name, overrides, message) => {
    const mock = await startMock();
    const answer = await postToken(mock, employeeGrant(overrides));
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ credentials: null, error: { code: 401, message } });
  });

  it.each(['account_name', 'user_name', 'password', 'app_id', 'app_secret'])(
    "answers 400 naming '%s' when it is missing, empty or not a string",
    async (field) => {
      const mock = await startMock();
      const { [field]: _, ...missing } = employeeGrant();
      for (const [grant, message] of [
        [missing, `'${field}' is required.`],
        [employeeGrant({ [field]: '' }), `'${field}' is required.`],
        [employeeGrant({ [field]: 42 }), `'${field}' must be a string.`],
      ] as const) {
        const answer = await postToken(mock, grant);
        expect(answer.status).toBe(400);
        expect(answer.body).toEqual({ credentials: null, error: { code: 400, message } });
      }
    },
  );

  it("answers 400 naming 'grant_type' when it is missing", async () => {
    const mock = await startMock();
    const { grant_type: _, ...grant } = employeeGrant();
    const answer = await postToken(mock, grant);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe("'grant_type' is required.");
  });

  it('answers 400 for an unknown grant_type', async () => {
    const mock = await startMock();
    const answer = await postToken(mock, employeeGrant({ grant_type: 'client_credentials' }));
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('grant_type');
  });

  it('answers 400 for malformed JSON and for a JSON body that is not an object', async () => {
    const mock = await startMock();
    for (const body of ['{"account_name": "demo-spa",', '[1,2]', '']) {
      const answer = await call(mock, '/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(answer.status).toBe(400);
      expect(answer.body.credentials).toBeNull();
      expect(answer.body.error.code).toBe(400);
    }
  });

  it('answers 405 for other methods on /v1/tokens', async () => {
    const mock = await startMock();
    expect((await call(mock, '/v1/tokens')).status).toBe(405);
  });
});

describe('POST /v1/tokens refresh grant', () => {
  it('answers 400 naming refresh_token when it is missing', async () => {
    const mock = await startMock();
    const answer = await postToken(mock, { grant_type: 'refresh_token' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe("'refresh_token' is required.");
  });

  it('rejects an unknown refresh token with 401', async () => {
    const mock = await startMock();
    const answer = await postToken(mock, {
      grant_type: 'refresh_token',
      refresh_token: 'AN:demo-spa|$ARD#bogus',
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      credentials: null,
      error: { code: 401, message: 'The refresh token is invalid or expired.' },
    });
  });

  it('ignores extra app fields and returns a new pair with the same app_id and user_type', async () => {
    const mock = await startMock();
    const first = await login(mock, guestGrant(0));
    const answer = await postToken(mock, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      app_id: 'ignored',
      app_secret: 'ignored',
      account_name: D.accountName,
    });
    expect(answer.status).toBe(200);
    const next = answer.body.credentials;
    expect(next.access_token).not.toBe(first.access_token);
    expect(next.refresh_token).not.toBe(first.refresh_token);
    expect(next.app_id).toBe(D.guestApp.appId);
    expect(next.user_type).toBe('Guest');
    expect(next.access_token_expiry).toMatch(SEVEN_DIGIT_UTC);
    expect(next.refresh_token_expiry).toMatch(SEVEN_DIGIT_UTC);
  });
});
