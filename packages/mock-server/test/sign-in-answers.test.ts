import { describe, expect, it } from 'vitest';
import { createMockZenotiApp, type RevokeAnswer } from '../src/index.ts';
import {
  bearer,
  call,
  D,
  employeeGrant,
  login,
  type Mock,
  postToken,
  refresh,
  startMock,
  statusWith,
} from './helpers.ts';

const revoke = (mock: Mock, token: string) =>
  fetch(`${mock.url}/v1/tokens/sessions/revoke`, {
    method: 'DELETE',
    headers: { authorization: `bearer ${token}`, accept: 'text/plain' },
  });

const control = (mock: Mock, path: string, body: unknown) =>
  call(mock, `/__mock${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const UNABLE = { credentials: null, error: { code: 4023, message: 'Unable to generate token' } };
const INVALID_ACCOUNT = { credentials: null, error: { code: 401, message: 'Invalid account.' } };

describe('revokeAnswer: how a successful revoke answers', () => {
  it.each([
    ['json', 200, 'application/json', '{"success":true,"error":null}'],
    ['text', 200, 'text/plain', 'true'],
    ['empty', 200, null, ''],
    ['no-content', 204, null, ''],
  ] as const)('%s → %d %s %j, and the tokens are revoked', async (answer, status, type, text) => {
    const mock = await startMock({ revokeAnswer: answer });
    const credentials = await login(mock);
    const res = await revoke(mock, credentials.access_token);
    expect(res.status).toBe(status);
    const contentType = res.headers.get('content-type');
    if (type === null) expect(contentType).toBeNull();
    else expect(contentType).toMatch(new RegExp(`^${type}`));
    expect(await res.text()).toBe(text);
    expect(await statusWith(mock, `bearer ${credentials.access_token}`)).toBe(401);
    expect((await refresh(mock, credentials.refresh_token)).status).toBe(401);
    expect(mock.control.counters().revoke.ok).toBe(1);
  });

  it('keeps the 401 denial body for a dead token in every style', async () => {
    const mock = await startMock({ revokeAnswer: 'no-content' });
    const res = await revoke(mock, 'AN:demo-spa|$ARD#gone');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ Message: 'Authorization has been denied for this request.' });
  });

  it('is switched by setRevokeAnswer() and the HTTP route, and reset() restores the option', async () => {
    const mock = await startMock({ controlRoutes: true, revokeAnswer: 'text' });
    mock.control.setRevokeAnswer('no-content');
    expect((await revoke(mock, (await login(mock)).access_token)).status).toBe(204);
    expect((await control(mock, '/revoke-answer', { revokeAnswer: 'json' })).status).toBe(200);
    expect(await (await revoke(mock, (await login(mock)).access_token)).json()).toEqual({
      success: true,
      error: null,
    });
    const bad = await control(mock, '/revoke-answer', { revokeAnswer: 'xml' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('revokeAnswer must be one of json, text, empty, no-content');
    mock.control.reset();
    expect(await (await revoke(mock, (await login(mock)).access_token)).text()).toBe('true');
  });

  it('rejects an unknown style naming the option', () => {
    expect(() => createMockZenotiApp({ revokeAnswer: 'html' as RevokeAnswer })).toThrow(
      'revokeAnswer must be one of',
    );
    const { control: c } = createMockZenotiApp();
    expect(() => c.setRevokeAnswer(204 as unknown as RevokeAnswer)).toThrow('revokeAnswer must be one of');
  });
});

describe('badAppAnswer: a wrong app secret or an unknown app id', () => {
  const badApps = [{ app_secret: 'f'.repeat(64) }, { app_id: '00000000-0000-0000-0000-000000000000' }];

  it("answers 401 'Invalid account.' by default", async () => {
    const mock = await startMock();
    for (const overrides of badApps) {
      const answer = await postToken(mock, employeeGrant(overrides));
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(INVALID_ACCOUNT);
    }
  });

  it("answers 500 with Zenoti error code 4023 when set to '500-4023', counted as rejected", async () => {
    const mock = await startMock({ badAppAnswer: '500-4023' });
    for (const overrides of badApps) {
      const answer = await postToken(mock, employeeGrant(overrides));
      expect(answer.status).toBe(500);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual(UNABLE);
    }
    // An unknown account is not an app problem; the lockout does not count app problems.
    expect((await postToken(mock, employeeGrant({ account_name: 'nope' }))).body).toEqual(INVALID_ACCOUNT);
    expect(mock.control.counters().token.password).toMatchObject({ ok: 0, rejected: 3 });
    expect(mock.control.lockoutStatus(D.accountName, D.employee.username).failedAttempts).toBe(0);
    expect((await postToken(mock, employeeGrant())).status).toBe(200);
  });

  it('is switched by setBadAppAnswer() and the HTTP route, with errors naming the option', async () => {
    const mock = await startMock({ controlRoutes: true });
    const wrongSecret = () => postToken(mock, employeeGrant({ app_secret: 'nope' }));
    mock.control.setBadAppAnswer('500-4023');
    expect((await wrongSecret()).status).toBe(500);
    expect((await control(mock, '/bad-app-answer', { badAppAnswer: '401' })).status).toBe(200);
    expect((await wrongSecret()).status).toBe(401);
    const bad = await control(mock, '/bad-app-answer', { badAppAnswer: 500 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('badAppAnswer must be "401" or "500-4023"');
    expect(() => createMockZenotiApp({ badAppAnswer: '403' as never })).toThrow('badAppAnswer must be');
  });
});

describe('token endpoint answers carrying a Zenoti error code (injected)', () => {
  it('answers an injected status fault with exactly the given body and headers, once', async () => {
    const mock = await startMock({ controlRoutes: true });
    mock.control.injectFault('token', { kind: 'status', status: 500, body: JSON.stringify(UNABLE) });
    const faulted = await postToken(mock, employeeGrant());
    expect(faulted.status).toBe(500);
    expect(faulted.headers.get('content-type')).toMatch(/^application\/json/);
    expect(faulted.body).toEqual(UNABLE);
    expect((await postToken(mock, employeeGrant())).status).toBe(200);

    const body = { credentials: null, error: { code: 4023, message: 'Unable to generate token' } };
    await control(mock, '/faults', {
      endpoint: 'token',
      fault: { kind: 'status', status: 502, body: JSON.stringify(body), headers: { 'x-zenoti': 'edge' } },
      times: 2,
    });
    for (let i = 0; i < 2; i++) {
      const answer = await postToken(mock, employeeGrant());
      expect(answer.status).toBe(502);
      expect(answer.body).toEqual(body);
      expect(answer.headers.get('x-zenoti')).toBe('edge');
    }
    expect(mock.control.counters().token).toMatchObject({ faulted: 3, password: { ok: 1 } });
  });

  it('serves a revoke after a refresh grant as the bearer of the new pair', async () => {
    const mock = await startMock({ revokeAnswer: 'empty' });
    const first = await login(mock);
    const next = (await refresh(mock, first.refresh_token)).body.credentials;
    const res = await call(mock, '/v1/tokens/sessions/revoke', {
      method: 'DELETE',
      ...bearer(next.access_token),
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
  });
});
