import { describe, expect, it, vi } from 'vitest';
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

const control = (mock: Mock, method: string, path: string, body?: unknown) =>
  call(mock, `/__mock${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('counters', () => {
  it('counts every outcome of grants, revokes and resources', async () => {
    const mock = await startMock();
    const credentials = await login(mock);
    await postToken(mock, employeeGrant({ password: 'wrong' }));
    await postToken(mock, employeeGrant({ user_name: '' }));
    await refresh(mock, credentials.refresh_token);
    await refresh(mock, credentials.refresh_token);
    await postToken(mock, { grant_type: 'refresh_token' });
    await call(mock, '/v1/tokens', { method: 'POST', body: '{not json' });
    await call(mock, '/v1/centers', apikey());
    await call(mock, '/v1/centers');
    await call(mock, '/v1/tokens/sessions/revoke', { method: 'DELETE' });
    mock.control.injectFault('revoke', { kind: 'status', status: 500 });
    await call(mock, '/v1/tokens/sessions/revoke', { method: 'DELETE' });
    expect(mock.control.counters()).toEqual({
      token: {
        total: 7,
        password: { ok: 1, rejected: 1, invalid: 1, blocked: 0 },
        refresh: { ok: 1, rejected: 1, invalid: 1, blocked: 0 },
        faulted: 0,
        rateLimited: 0,
        lockouts: 0,
        lockedOut: 0,
        refreshReused: 1,
        sessionsEnded: 0,
      },
      revoke: { total: 2, ok: 0, rejected: 1, faulted: 1, rateLimited: 0 },
      resources: { total: 2, byStatus: { '200': 1, '401': 1 }, faulted: 0, deadToken: 0 },
    });
  });

  it('returns snapshots and resets them with resetCounters()', async () => {
    const mock = await startMock();
    const before = mock.control.counters();
    await login(mock);
    expect(before.token.total).toBe(0);
    expect(mock.control.counters().token.total).toBe(1);
    mock.control.resetCounters();
    expect(mock.control.counters().token.password.ok).toBe(0);
  });
});

describe('requests()', () => {
  it('records method, path without query, status and a redacted authorization', async () => {
    const mock = await startMock();
    const credentials = await login(mock);
    await call(mock, `/v1/centers?secret=${D.apiKey}`, {
      headers: { authorization: `apikey ${D.apiKey}`, 'X-Trace': '1' },
    });
    await call(mock, '/v1/centers', bearer(credentials.access_token));
    await call(mock, '/v1/centers', { headers: { authorization: D.employee.password } });
    const [grant, keyCall, tokenCall, bare] = mock.control.requests();
    expect(grant).toMatchObject({ method: 'POST', path: '/v1/tokens', status: 200 });
    expect(grant?.authorization).toBeUndefined();
    expect(keyCall).toMatchObject({
      method: 'GET',
      path: '/v1/centers',
      status: 200,
      authorization: 'apikey …1093',
    });
    expect(keyCall?.headerNames).toEqual(expect.arrayContaining(['authorization', 'x-trace']));
    expect(tokenCall?.authorization).toBe(`bearer …${credentials.access_token.slice(-4)}`);
    expect(bare).toMatchObject({ status: 401, authorization: '(unknown scheme) …' });
    const dump = JSON.stringify(mock.control.requests());
    for (const secret of [D.apiKey, credentials.access_token, D.employee.password, D.employeeApp.appSecret]) {
      expect(dump).not.toContain(secret);
    }
  });

  it('keeps only the last 1,000 requests', async () => {
    const mock = await startMock({ rateLimit: false });
    const paths = Array.from({ length: 1_010 }, (_, i) => `/v1/n${i}`);
    for (let i = 0; i < paths.length; i += 200) {
      await Promise.all(
        paths.slice(i, i + 200).map((p) => fetch(`${mock.url}${p}`).then((r) => r.arrayBuffer())),
      );
    }
    const recorded = mock.control.requests();
    expect(recorded).toHaveLength(1_000);
    expect(recorded.every((r) => r.status === 404)).toBe(true);
  });
});

describe('HTTP control routes', () => {
  it('are off by default (404) and are not counted', async () => {
    const mock = await startMock();
    expect((await control(mock, 'GET', '/counters')).status).toBe(404);
    expect((await control(mock, 'POST', '/reset')).status).toBe(404);
    expect(mock.control.counters().resources.total).toBe(0);
    expect(mock.control.requests()).toHaveLength(0);
  });

  it('drive the mock when controlRoutes is on, outside counters and rate limits', async () => {
    const mock = await startMock({ controlRoutes: true, rateLimit: { limit: 1, windowSeconds: 60 } });
    const credentials = await login(mock);
    for (let i = 0; i < 3; i++) expect((await control(mock, 'GET', '/counters')).status).toBe(200);
    const counters = await control(mock, 'GET', '/counters');
    expect(counters.body.token.total).toBe(1);
    expect(counters.body.resources.total).toBe(0);
    expect((await control(mock, 'GET', '/requests')).body).toHaveLength(1);

    expect((await control(mock, 'POST', '/rate-limit', false)).status).toBe(200);
    expect((await call(mock, '/v1/centers', apikey())).status).toBe(200);
    expect((await control(mock, 'POST', '/rate-limit', { limit: 2, windowSeconds: 5 })).status).toBe(200);
    expect((await call(mock, '/v1/centers', apikey())).headers.get('organization-ratelimit-limit')).toBe(
      '2;w=5;b=2',
    );
    await control(mock, 'POST', '/rate-limit', { off: true });

    await control(mock, 'POST', '/users/password', {
      accountName: D.accountName,
      username: D.employee.username,
      password: 'P2',
    });
    expect((await call(mock, '/v1/centers', bearer(credentials.access_token))).status).toBe(401);
    expect((await postToken(mock, employeeGrant({ password: 'P2' }))).status).toBe(200);

    const added = await control(mock, 'POST', '/users', {
      accountName: D.accountName,
      user: { username: 'temp', password: 'T1' },
    });
    expect(added.body).toEqual({ ok: true });
    const temp = await login(mock, employeeGrant({ user_name: 'temp', password: 'T1' }));
    await control(mock, 'DELETE', '/users', { accountName: D.accountName, username: 'temp' });
    expect((await call(mock, '/v1/centers', bearer(temp.access_token))).status).toBe(401);

    const rotated = await control(mock, 'POST', '/api-keys/rotate', {
      accountName: D.accountName,
      key: D.apiKey,
    });
    expect(rotated.body.key).toMatch(/^[0-9a-f]{64}$/);
    await control(mock, 'POST', '/api-keys/revoke', { key: rotated.body.key });
    expect((await call(mock, '/v1/centers', apikey(rotated.body.key))).status).toBe(401);

    await control(mock, 'POST', '/token-ttl', { accessTokenTtlMs: 1_000, refreshTokenTtlMs: 5_000 });
    const short = await login(mock, employeeGrant({ password: 'P2' }));
    expect(short.access_token_expiry).toBe('2026-11-28T10:00:01.0000000Z');
    await control(mock, 'POST', '/clock/advance', { ms: 1_000 });
    expect((await control(mock, 'GET', '/now')).body.now).toBe(T0 + 1_000);
    expect((await call(mock, '/v1/centers', bearer(short.access_token))).status).toBe(401);

    const guest = await login(mock, guestGrant(0));
    await control(mock, 'POST', '/expire-access-tokens');
    expect((await call(mock, '/v1/centers', bearer(guest.access_token))).status).toBe(401);

    await control(mock, 'POST', '/faults', {
      endpoint: 'resource',
      fault: { kind: 'status', status: 502 },
      times: 2,
    });
    expect((await call(mock, '/v1/centers', apikey())).status).toBe(502);
    await control(mock, 'DELETE', '/faults');
    expect((await call(mock, '/v1/centers', apikey())).status).toBe(200);

    await control(mock, 'POST', '/latency', { ms: 200, endpoint: 'resource' });
    const started = performance.now();
    await call(mock, '/v1/centers', apikey());
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);

    expect((await control(mock, 'POST', '/reset-counters')).status).toBe(200);
    expect(mock.control.counters().resources.total).toBe(0);
    expect((await control(mock, 'POST', '/reset')).status).toBe(200);
    expect(mock.control.now()).toBe(T0);
    // The seed's password works again after the reset.
    expect((await postToken(mock, employeeGrant())).status).toBe(200);
  });

  it('answer 400 naming the problem for a bad control request', async () => {
    const mock = await startMock({ controlRoutes: true });
    const missing = await control(mock, 'POST', '/users/password', { accountName: D.accountName });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/"username" must be a string/);
    const unknown = await control(mock, 'POST', '/users/password', {
      accountName: 'x',
      username: 'y',
      password: 'z',
    });
    expect(unknown.body.error.message).toMatch(/unknown account "x"/);
    const badFault = await control(mock, 'POST', '/faults', { endpoint: 'token', fault: { kind: 'boom' } });
    expect(badFault.status).toBe(400);
    expect((await control(mock, 'POST', '/clock/advance', '{oops')).status).toBe(400);
    expect((await control(mock, 'GET', '/nope')).status).toBe(404);
  });
});

describe('reset()', () => {
  it('restores the seed, TTLs, faults, latency, rate limits, clock and counters', async () => {
    const mock = await startMock({ rateLimit: { limit: 3, windowSeconds: 60 } });
    const credentials = await login(mock);
    mock.control.setPassword(D.accountName, D.employee.username, 'changed');
    mock.control.revokeApiKey(D.apiKey);
    mock.control.setAccessTokenTtl(5);
    mock.control.advanceTime(1_000_000);
    mock.control.injectFault('any', { kind: 'status', status: 500 }, 5);
    mock.control.setLatency(5_000);
    mock.control.setRateLimit({ limit: 1, windowSeconds: 3_600 });
    mock.control.reset();

    expect(mock.control.now()).toBe(T0);
    expect(mock.control.counters().token.total).toBe(0);
    expect(mock.control.requests()).toEqual([]);
    const started = performance.now();
    const fresh = await login(mock);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(fresh.access_token_expiry).toBe('2026-11-29T10:00:00.0000000Z');
    expect((await call(mock, '/v1/centers', apikey())).status).toBe(200);
    expect((await call(mock, '/v1/centers', bearer(credentials.access_token))).status).toBe(401);
    expect((await call(mock, '/v1/centers', apikey())).headers.get('organization-ratelimit-limit')).toBe(
      '3;w=60;b=3',
    );
  });
});

describe('logging', () => {
  it('logs one line per request with no secret, header value, body or query', async () => {
    const lines: string[] = [];
    const mock = await startMock({ log: (line) => lines.push(line), controlRoutes: true });
    const credentials = await login(mock);
    await refresh(mock, credentials.refresh_token);
    await call(mock, `/v1/centers?api_key=${D.apiKey}&password=${D.employee.password}`, {
      headers: { authorization: `apikey ${D.apiKey}`, cookie: `session=${D.employeeApp.appSecret}` },
    });
    await call(mock, '/v1/tokens/sessions/revoke', { method: 'DELETE', ...bearer(credentials.access_token) });
    await control(mock, 'GET', '/counters');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^(GET|POST|DELETE) \/\S* (\d{3}|-) \d+ms$/);
    expect(lines[0]).toMatch(/^POST \/v1\/tokens 200 \d+ms$/);
    expect(lines[2]).toMatch(/^GET \/v1\/centers 200 \d+ms$/);
    const all = lines.join('\n');
    for (const secret of [
      D.apiKey,
      D.employee.password,
      D.employeeApp.appSecret,
      D.employee.username,
      credentials.access_token.slice(-40),
      credentials.refresh_token.slice(-40),
      'api_key',
      '$ARD#',
    ]) {
      expect(all).not.toContain(secret);
    }
  });

  it('is off by default and goes to console.log with log: true', async () => {
    const spy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const quiet = await startMock();
      await call(quiet, '/v1/centers', apikey());
      expect(spy).not.toHaveBeenCalled();
      const loud = await startMock({ log: true });
      await call(loud, '/v1/centers', apikey());
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0]?.[0]).toMatch(/^GET \/v1\/centers 200 \d+ms$/);
    } finally {
      spy.mockRestore();
    }
  });
});
