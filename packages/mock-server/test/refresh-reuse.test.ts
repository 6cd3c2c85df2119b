import { describe, expect, it } from 'vitest';
import { call, login, refresh, startMock, statusWith } from './helpers.ts';

const auth = (token: string): string => `bearer ${token}`;

describe('a refresh token sent twice', () => {
  it('is counted, and by default only refused', async () => {
    const mock = await startMock();
    const first = await login(mock);
    const second = await refresh(mock, first.refresh_token);
    expect(second.status).toBe(200);
    expect((await refresh(mock, first.refresh_token)).status).toBe(401);
    expect((await refresh(mock, first.refresh_token)).status).toBe(401);

    const { token } = mock.control.counters();
    expect(token.refreshReused).toBe(2);
    expect(token.refresh.rejected).toBe(2);
    expect(token.sessionsEnded).toBe(0);
    // The session lives on: its newest tokens still work.
    expect(await statusWith(mock, auth(second.body.credentials.access_token))).toBe(200);
    expect((await refresh(mock, second.body.credentials.refresh_token)).status).toBe(200);
  });

  it("ends the token's whole session with refreshReuse: 'end-session', and no other session", async () => {
    const mock = await startMock({ refreshReuse: 'end-session' });
    const first = await login(mock);
    const next = (await refresh(mock, first.refresh_token)).body.credentials;
    const other = await login(mock); // another sign-in of the same user: a session of its own

    expect((await refresh(mock, first.refresh_token)).status).toBe(401);
    // Every token issued since the sign-in the reused token descends from is dead …
    expect(await statusWith(mock, auth(next.access_token))).toBe(401);
    expect((await refresh(mock, next.refresh_token)).status).toBe(401);
    // … and the other session's are not.
    expect(await statusWith(mock, auth(other.access_token))).toBe(200);
    expect((await refresh(mock, other.refresh_token)).status).toBe(200);

    const { token } = mock.control.counters();
    expect(token.refreshReused).toBe(1);
    expect(token.sessionsEnded).toBe(1);
  });

  it('does not count a refresh token that was never issued, expired or revoked as reused', async () => {
    const mock = await startMock({ refreshReuse: 'end-session' });
    expect((await refresh(mock, 'not-a-refresh-token')).status).toBe(401);
    const revoked = await login(mock);
    await call(mock, '/v1/tokens/sessions/revoke', {
      method: 'DELETE',
      headers: { authorization: auth(revoked.access_token) },
    });
    expect((await refresh(mock, revoked.refresh_token)).status).toBe(401);
    expect(mock.control.counters().token.refreshReused).toBe(0);
  });

  it('switches over HTTP (/__mock/refresh-reuse) and refuses an unknown mode', async () => {
    const mock = await startMock({ controlRoutes: true });
    const set = (refreshReuse: unknown) =>
      call(mock, '/__mock/refresh-reuse', { method: 'POST', body: JSON.stringify({ refreshReuse }) });
    expect((await set('end-session')).status).toBe(200);
    const first = await login(mock);
    const next = (await refresh(mock, first.refresh_token)).body.credentials;
    await refresh(mock, first.refresh_token);
    expect(await statusWith(mock, auth(next.access_token))).toBe(401);

    const wrong = await set('forgive');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('refreshReuse must be "reject" or "end-session"');
    expect(() => mock.control.setRefreshReuse('sometimes' as 'reject')).toThrow(/refreshReuse/);
  });
});

describe('requests sent with a dead token', () => {
  it('are counted apart from other 401s', async () => {
    const mock = await startMock();
    const first = await login(mock);
    await refresh(mock, first.refresh_token); // kills first.access_token
    expect(await statusWith(mock, auth(first.access_token))).toBe(401);
    expect(await statusWith(mock, 'apikey wrong-key-0000000000000000')).toBe(401);
    expect(await statusWith(mock, undefined)).toBe(401);
    const { resources } = mock.control.counters();
    expect(resources.deadToken).toBe(1);
    expect(resources.byStatus['401']).toBe(3);
  });
});
