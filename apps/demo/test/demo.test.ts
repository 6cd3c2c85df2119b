import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEMO_CREDENTIALS as D } from '@zenoti-auth/mock-server';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cwd = fileURLToPath(new URL('..', import.meta.url));

describe('the round-trip demo', () => {
  it('prints generate, call, refresh and revoke, exits 0, and prints no secret', async () => {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd,
      timeout: 30_000,
    });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/Call a resource with the API key\n\s+GET \/v1\/centers .* → 200, 3 centres/);
    expect(stdout).toMatch(/event token: password grant/);
    expect(stdout).toMatch(/event token: refresh grant/);
    expect(stdout).toMatch(/three concurrent callers got 1 token/);
    expect(stdout).toMatch(/the old token is now dead at Zenoti .*: 401/);
    expect(stdout).toMatch(/revoked: true; the revoked token now gets 401/);
    expect(stdout).toMatch(/token calls: 2 \(password 1, refresh 1\); revokes: 1/);
    for (const value of [D.apiKey, D.employeeApp.appSecret, D.employee.password])
      expect(stdout).not.toContain(value);
    expect(stdout).not.toMatch(/\$ARD#/);
  });
});
