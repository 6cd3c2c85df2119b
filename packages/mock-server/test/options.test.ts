import { describe, expect, it } from 'vitest';
import {
  createMockZenotiApp,
  DEMO_CREDENTIALS,
  DEMO_SEED,
  type MockSeed,
  parseDuration,
  startMockZenoti,
} from '../src/index.ts';
import { call, login, postToken, startMock } from './helpers.ts';

describe('parseDuration', () => {
  it.each([
    ['1500', 1_500],
    ['500ms', 500],
    ['2s', 2_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['24h', 86_400_000],
    ['90d', 7_776_000_000],
    [' 2S ', 2_000],
    ['0', 0],
  ])('reads %j as %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', 'abc', '-1s', '2 weeks', '1e3', '2x', 's'])(
    'rejects %j with an error naming the input',
    (input) => {
      expect(() => parseDuration(input)).toThrow(`invalid duration ${JSON.stringify(input)}`);
    },
  );
});

describe('seeds and options', () => {
  const seed: MockSeed = {
    organizations: [
      {
        accountName: 'acme',
        apiKeys: ['k'.repeat(64)],
        apps: [{ appId: 'APP-1', appSecret: 'secret-1' }],
        users: [{ username: 'ops', password: 'pw' }],
      },
    ],
  };

  it('serves a custom seed instead of the demo seed', async () => {
    const mock = await startMock({ seed });
    const grant = {
      account_name: 'ACME',
      user_name: 'OPS',
      password: 'pw',
      grant_type: 'password',
      app_id: 'app-1',
      app_secret: 'secret-1',
    };
    const answer = await postToken(mock, grant);
    expect(answer.status).toBe(200);
    expect(answer.body.credentials.user_type).toBe('Employee');
    expect(answer.body.credentials.access_token.startsWith('AN:acme|$ARD#')).toBe(true);
    expect(
      (await call(mock, '/v1/centers', { headers: { authorization: `apikey ${'k'.repeat(64)}` } })).status,
    ).toBe(200);
    expect((await postToken(mock, { ...grant, account_name: DEMO_CREDENTIALS.accountName })).status).toBe(
      401,
    );
  });

  it('does not mutate the seed it was given, and reset() returns to it', async () => {
    const copy = structuredClone(seed);
    const mock = await startMock({ seed: copy });
    mock.control.setPassword('acme', 'ops', 'changed');
    mock.control.addUser('acme', { username: 'new', password: 'x' });
    expect(copy).toEqual(seed);
    mock.control.reset();
    expect(
      (
        await login(mock, {
          account_name: 'acme',
          user_name: 'ops',
          password: 'pw',
          grant_type: 'password',
          app_id: 'APP-1',
          app_secret: 'secret-1',
        })
      ).token_type,
    ).toBe('bearer');
  });

  it.each([
    [{}, 'organizations must be a non-empty array'],
    [{ organizations: [{ accountName: '' }] }, 'organizations[0].accountName must be a non-empty string'],
    [
      { organizations: [{ accountName: 'a', apps: [{ appId: 'x' }] }] },
      'organizations[0].apps[0].appSecret must be a non-empty string',
    ],
    [
      { organizations: [{ accountName: 'a', users: [{ username: 'u', password: 'p', userType: 'Admin' }] }] },
      'organizations[0].users[0].userType must be "Employee" or "Guest"',
    ],
    [
      { organizations: [{ accountName: 'a' }, { accountName: 'A' }] },
      'organizations[1].accountName repeats an account name',
    ],
    [
      { organizations: [{ accountName: 'a', apiKeys: ['k', 'k'] }] },
      'organizations[0].apiKeys[1] repeats an API key',
    ],
    [
      {
        organizations: [
          {
            accountName: 'a',
            users: [
              { username: 'U', password: 'p' },
              { username: 'u', password: 'q' },
            ],
          },
        ],
      },
      'organizations[0].users[1].username repeats a username',
    ],
  ])('rejects an invalid seed with an error naming the field (%#)', (bad, message) => {
    expect(() => createMockZenotiApp({ seed: bad as unknown as MockSeed })).toThrow(message);
  });

  it('rejects invalid options at start-up with an error naming the option', async () => {
    expect(() => createMockZenotiApp({ accessTokenTtlMs: 0 })).toThrow(/accessTokenTtlMs/);
    expect(() => createMockZenotiApp({ latencyMs: -1 })).toThrow(/latencyMs/);
    expect(() => createMockZenotiApp({ rateLimit: { limit: 60, windowSeconds: 0 } })).toThrow(
      /windowSeconds/,
    );
    await expect(startMockZenoti({ port: 70_000 })).rejects.toThrow(/port/);
  });

  it('rejects a port that is taken', async () => {
    const mock = await startMock();
    await expect(startMockZenoti({ port: mock.port })).rejects.toThrow(/EADDRINUSE/);
  });

  it('exposes demo credentials in the documented shapes, consistent with DEMO_SEED', () => {
    const D = DEMO_CREDENTIALS;
    const hex64 = /^[0-9a-f]{64}$/;
    const upperGuid = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
    const lowerGuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(D.accountName).toBe('demo-spa');
    expect(D.other.accountName).toBe('other-spa');
    for (const key of [D.apiKey, D.other.apiKey]) expect(key).toMatch(hex64);
    for (const app of [D.employeeApp, D.guestApp, D.other.employeeApp]) {
      expect(app.appId).toMatch(upperGuid);
      expect(app.appSecret).toMatch(hex64);
    }
    expect(D.employee.username).toBe('api.user');
    expect(D.guests.map((g) => g.username)).toEqual(['alice@example.com', 'bob@example.com']);
    for (const guest of D.guests) expect(guest.guestId).toMatch(lowerGuid);
    expect(Object.isFrozen(DEMO_SEED)).toBe(true);
    const [demo, other] = DEMO_SEED.organizations;
    expect(demo?.apps?.map((a) => a.userType)).toEqual(['Employee', 'Guest']);
    expect(demo?.users?.find((u) => u.username === D.guests[1].username)?.guestId).toBe(D.guests[1].guestId);
    expect(other?.apiKeys).toEqual([D.other.apiKey]);
  });
});

describe('createMockZenotiApp', () => {
  it('serves the same API through app.request() without a socket', async () => {
    const { app, control } = createMockZenotiApp({ now: () => 0 });
    const res = await app.request('/v1/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        account_name: DEMO_CREDENTIALS.accountName,
        user_name: DEMO_CREDENTIALS.employee.username,
        password: DEMO_CREDENTIALS.employee.password,
        grant_type: 'password',
        app_id: DEMO_CREDENTIALS.employeeApp.appId,
        app_secret: DEMO_CREDENTIALS.employeeApp.appSecret,
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { credentials: { access_token_expiry: string } };
    expect(body.credentials.access_token_expiry).toBe('1970-01-02T00:00:00.0000000Z');
    expect(control.counters().token.password.ok).toBe(1);
  });
});
