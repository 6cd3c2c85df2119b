import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../src/index.ts';
import { cli, D, DEMO_ORG_SECRETS, expectNoSecrets, serviceUserEnv, zenoti } from './support.ts';

const RATE_LIMITED = { limit: 60, windowSeconds: 60 };

describe('zenoti-auth check', () => {
  it('API key: one small read, exit 0, the mode and Zenoti’s rate-limit headers', async () => {
    const z = await zenoti({ rateLimit: RATE_LIMITED });
    const run = await cli(['check'], { ZENOTI_BASE_URL: z.url, ZENOTI_API_KEY: D.apiKey });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('zenoti-auth check: ok');
    expect(run.stdout).toMatch(/mode\s+API key/);
    expect(run.stdout).toMatch(/call\s+GET \/v1\/centers → 200 \(1 request to Zenoti\)/);
    expect(run.stdout).toMatch(/rate limit\s+.*RateLimit-Remaining: 59/);
    expect(run.stdout).toContain('Organization-RateLimit-Limit: 60');
    expect(run.stderr).toBe('');
    const counters = z.control.counters();
    expect(counters.resources.total).toBe(1);
    expect(counters.token.total).toBe(0);
    expect(z.control.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /v1/centers 200',
    ]);
    expectNoSecrets(run, DEMO_ORG_SECRETS);
  });

  it('token mode: one password grant, no revoke, no resource call; expiry and login policy (--json)', async () => {
    const z = await zenoti({ rateLimit: RATE_LIMITED });
    z.control.setLoginPolicy(D.accountName, D.employee.username, {
      passwordExpiryReminder: true,
      userId: 'employee-42',
    });
    const before = Date.now();
    const run = await cli(['check', '--json'], serviceUserEnv(z.url));

    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as CheckReport;
    expect(report).toMatchObject({
      ok: true,
      mode: 'token',
      baseUrl: z.url,
      accountName: D.accountName,
      appId: D.employeeApp.appId,
      username: D.employee.username,
      calls: 1,
      call: { method: 'POST', path: '/v1/tokens', status: 200 },
      token: { userType: 'Employee' },
      loginPolicy: {
        allowLogin: true,
        passwordExpiryReminder: true,
        policyAction: '0',
        userId: 'employee-42',
      },
      rateLimit: { remaining: 59, limit: 60, intervalMs: 60_000 },
      error: null,
    });
    // The mock's tokens live 24 hours by default.
    // Times are ms since the Unix epoch, as core's: a number in the JSON too.
    expect(report.token?.expiresAt).toBeTypeOf('number');
    const expiresIn = (report.token?.expiresAt ?? 0) - before;
    expect(expiresIn).toBeGreaterThan(23.9 * 3_600_000);
    expect(expiresIn).toBeLessThan(24.1 * 3_600_000);
    expect(Object.keys(report).sort()).toEqual(
      [
        'ok',
        'mode',
        'baseUrl',
        'accountName',
        'appId',
        'username',
        'calls',
        'call',
        'token',
        'loginPolicy',
        'rateLimit',
        'error',
      ].sort(),
    );
    const counters = z.control.counters();
    expect(counters.token.password.ok).toBe(1);
    expect(counters.token.total).toBe(1);
    expect(counters.revoke.total).toBe(0);
    expect(counters.resources.total).toBe(0);
    expectNoSecrets(run, DEMO_ORG_SECRETS);
  });

  it('token mode as text: the expiry, the login policy’s reminder and the headers', async () => {
    const z = await zenoti({ rateLimit: RATE_LIMITED });
    z.control.setLoginPolicy(D.accountName, D.employee.username, { passwordExpiryReminder: true });
    const run = await cli(['check'], serviceUserEnv(z.url));

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/mode\s+access tokens \(app and service user\)/);
    expect(run.stdout).toMatch(/service user\s+/);
    expect(run.stdout).toMatch(/token expires\s+\d{4}-\d\d-\d\dT.*\(in 2[34] h \d+ min\)/);
    expect(run.stdout).toMatch(/login policy\s+allows the sign-in; .*password expires soon/);
    expect(run.stdout).toMatch(/rate limit\s+.*RateLimit-Remaining: 59/);
    expect(z.control.counters().revoke.total).toBe(0);
    expectNoSecrets(run, DEMO_ORG_SECRETS);
  });

  it('a wrong password: exit 1, the code and a safe message, no secret on either stream', async () => {
    const z = await zenoti();
    const wrong = 'Wrong-Password-Not-Shown-7319';
    const env = serviceUserEnv(z.url, { ZENOTI_PASSWORD: wrong });

    const text = await cli(['check'], env);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('zenoti-auth check: FAILED');
    expect(text.stderr).toMatch(/^zenoti-auth: check failed: CREDENTIALS_REJECTED \(HTTP 401\): /);
    expectNoSecrets(text, [...DEMO_ORG_SECRETS, wrong]);

    const json = await cli(['check', '--json'], env);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    const report = JSON.parse(json.stdout) as CheckReport;
    expect(report).toMatchObject({
      ok: false,
      mode: 'token',
      calls: 1,
      call: { method: 'POST', path: '/v1/tokens', status: 401 },
      token: null,
      error: { code: 'CREDENTIALS_REJECTED', status: 401, transient: false },
    });
    expectNoSecrets(json, [...DEMO_ORG_SECRETS, wrong]);
    // Two runs, one grant each: no retry of a rejected password, and no revoke.
    const counters = z.control.counters();
    expect(counters.token.password.rejected).toBe(2);
    expect(counters.token.total).toBe(2);
    expect(counters.revoke.total).toBe(0);
  });

  it('a rejected API key: exit 1 with UNAUTHORIZED after one request', async () => {
    const z = await zenoti();
    const wrong = 'not-a-key-of-this-organisation-5521';
    const run = await cli(['check', '--json'], { ZENOTI_BASE_URL: z.url, ZENOTI_API_KEY: wrong });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as CheckReport;
    expect(report.error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(report.call).toEqual({ method: 'GET', path: '/v1/centers', status: 401 });
    expect(z.control.counters().resources.total).toBe(1);
    expectNoSecrets(run, [...DEMO_ORG_SECRETS, wrong]);
  });

  it('a 429: exit 1 with RATE_LIMITED and Retry-After, and no second request', async () => {
    // A short window: its Retry-After (≤ 2 s) is one an app's engine would wait out and retry.
    const z = await zenoti({ rateLimit: { limit: 1, windowSeconds: 2 } });
    // The organisation's one call of the window, spent before the check.
    const spent = await fetch(`${z.url}/v1/centers`, { headers: { authorization: `apikey ${D.apiKey}` } });
    expect(spent.status).toBe(200);
    const run = await cli(['check'], { ZENOTI_BASE_URL: z.url, ZENOTI_API_KEY: D.apiKey });

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/check failed: RATE_LIMITED \(HTTP 429, retry after \d+ s\)/);
    expect(run.stdout).toMatch(/call\s+GET \/v1\/centers → 429/);
    expect(run.stdout).toMatch(/Retry-After: \d+/);
    expect(z.control.counters().resources.total).toBe(2);
    expectNoSecrets(run, DEMO_ORG_SECRETS);
  });

  it('a missing or conflicting variable: exit 1 with INVALID_OPTIONS naming it; nothing sent', async () => {
    const z = await zenoti();
    const missing = await cli(['check', '--json'], serviceUserEnv(z.url, { ZENOTI_APP_SECRET: '' }));
    expect(missing.code).toBe(1);
    expect((JSON.parse(missing.stdout) as CheckReport).error).toMatchObject({
      code: 'INVALID_OPTIONS',
      field: 'ZENOTI_APP_SECRET',
    });

    const both = await cli(['check'], serviceUserEnv(z.url, { ZENOTI_API_KEY: D.apiKey }));
    expect(both.code).toBe(1);
    expect(both.stdout).toMatch(/call\s+none: nothing was sent to Zenoti/);
    expect(both.stderr).toMatch(
      /INVALID_OPTIONS \(ZENOTI_ACCOUNT_NAME\): .*ZENOTI_API_KEY and ZENOTI_ACCOUNT_NAME are both set/,
    );
    expectNoSecrets(both, DEMO_ORG_SECRETS);

    const noUser = await cli(['check'], {
      ZENOTI_BASE_URL: z.url,
      ZENOTI_ACCOUNT_NAME: D.accountName,
      ZENOTI_APP_ID: D.employeeApp.appId,
      ZENOTI_APP_SECRET: D.employeeApp.appSecret,
    });
    expect(noUser.code).toBe(1);
    expect(noUser.stderr).toContain('INVALID_OPTIONS (ZENOTI_USERNAME)');
    expect(z.control.counters().token.total + z.control.counters().resources.total).toBe(0);
  });
});
