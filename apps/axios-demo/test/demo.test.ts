import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cwd = fileURLToPath(new URL('..', import.meta.url));
const SECRETS = [D.apiKey, D.employeeApp.appSecret, D.employee.password, 'Changed-Elsewhere-2026'];

/** Runs the demo as `pnpm start` would, with only the given ZENOTI_* variables. */
async function demo(env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('ZENOTI_')),
  );
  return run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: { ...clean, ...env },
    timeout: 30_000,
  });
}

function expectNoSecret(output: string): void {
  for (const secret of SECRETS) expect(output).not.toContain(secret);
  expect(output).not.toContain('$ARD#'); // every mock token contains it
}

describe('the axios demo', () => {
  it('shows API-key calls, login, refresh, revoke recovery and the password-change error, exits 0, and prints no secret', async () => {
    const { stdout, stderr } = await demo();
    expect(stderr).toBe('');
    expect(stdout).toMatch(/API key: two calls[^\n]*\n\s+GET \/v1\/centers → 200, 3 centres/);
    expect(stdout).toMatch(/sent with Authorization: apikey …1093/);
    expect(stdout).toMatch(/event token: password grant → access token …\S{4}/);
    expect(stdout).toMatch(/event token: refresh grant/);
    expect(stdout).toMatch(
      /3 calls → 200, 200, 200, all sent with bearer …\S{4}\n\s+token calls for them: 1\n/,
    );
    expect(stdout).toMatch(/DELETE \/v1\/tokens\/sessions\/revoke with bearer …\S{4} → 200/);
    expect(stdout).toMatch(/GET \/v1\/centers → 200, answered by the interceptor's one retry: true/);
    expect(stdout).toMatch(/Zenoti saw: 401 \(bearer …\S{4}\) then 200 \(bearer …\S{4}\)/);
    expect(stdout).toMatch(
      /first call: AxiosError ERR_ZENOTI_AUTH, cause ZenotiAuthError CREDENTIALS_REJECTED/,
    );
    expect(stdout).toMatch(/error\.config\.headers\.Authorization: bearer …\S{4}\n/);
    expect(stdout).toMatch(/a secret in util\.inspect\(error\) or JSON\.stringify\(error\): false/);
    expect(stdout).toMatch(/next call: AxiosError ERR_ZENOTI_AUTH/);
    expect(stdout).toMatch(/token calls for both: 2 /);
    expect(stdout).toMatch(/Done: /);
    expectNoSecret(stdout);
  });

  it('runs against a Zenoti named by ZENOTI_BASE_URL and credentials, skipping the steps that need the mock', async () => {
    const zenoti = await startMockZenoti({ rateLimit: false });
    try {
      const { stdout, stderr } = await demo({
        ZENOTI_BASE_URL: zenoti.url,
        ZENOTI_API_KEY: D.apiKey,
        ZENOTI_ACCOUNT_NAME: D.accountName,
        ZENOTI_APP_ID: D.employeeApp.appId,
        ZENOTI_APP_SECRET: D.employeeApp.appSecret,
        ZENOTI_USERNAME: D.employee.username,
        ZENOTI_PASSWORD: D.employee.password,
      });
      expect(stderr).toBe('');
      expect(stdout).toContain(`Use the Zenoti at ${zenoti.url}`);
      expect(stdout).toMatch(/GET \/v1\/centers → 200, 3 centres/);
      expect(stdout).toMatch(/GET \/v1\/centers → 200, sent with bearer …\S{4}/);
      expect(stdout.match(/\(skipped: /g)).toHaveLength(3);
      expect(stdout).toContain('ZENOTI_DEMO_REVOKE=1');
      expect(zenoti.control.counters().revoke.total).toBe(0);
      expectNoSecret(stdout);
    } finally {
      await zenoti.close();
    }
  });

  it('names the missing variables and exits 1 when ZENOTI_BASE_URL has no credentials', async () => {
    const error = await demo({ ZENOTI_BASE_URL: 'http://127.0.0.1:9' }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.stderr).toMatch(/needs ZENOTI_API_KEY or all of .*missing: ZENOTI_ACCOUNT_NAME/);
  });
});
