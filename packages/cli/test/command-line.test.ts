import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../src/index.ts';
import {
  cli,
  D,
  DEMO_ORG_SECRETS,
  expectNoSecrets,
  MOCK_BIN,
  onCleanup,
  runNode,
  zenoti,
} from './support.ts';

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'zenoti-cli-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
  return path;
}

describe('--env-file', () => {
  it('checks the variables `zenoti-mock --print-env` prints, and those alone', async () => {
    const z = await zenoti();
    const port = new URL(z.url).port;
    const printed = await runNode(MOCK_BIN, ['--print-env', '--port', port]);
    expect(printed.code, printed.stderr).toBe(0);
    const file = tempFile('.env', printed.stdout);

    // A variable in the environment that would conflict (an API key beside an app) is not read.
    const run = await cli(['check', '--env-file', file], { ZENOTI_API_KEY: D.apiKey });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/mode\s+access tokens/);
    expect(z.control.counters().token.password.ok).toBe(1);
    expectNoSecrets(run, DEMO_ORG_SECRETS);
  });

  it('reads quotes, comments, blank lines and `export`', async () => {
    const z = await zenoti();
    const file = tempFile(
      'api-key.env',
      [
        '# the organisation key',
        '',
        `export ZENOTI_BASE_URL="${z.url}"`,
        `ZENOTI_API_KEY='${D.apiKey}'   # rotated weekly`,
        'UNRELATED=value with spaces',
      ].join('\n'),
    );
    const run = await cli(['check', '--env-file', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout) as CheckReport).toMatchObject({ ok: true, mode: 'apiKey', baseUrl: z.url });
    expect(z.control.counters().resources.total).toBe(1);
    expectNoSecrets(run, DEMO_ORG_SECRETS);
  });

  it('a file that is not there stops the command, naming the file; nothing is checked', async () => {
    const missing = join(tmpdir(), 'no-such-dir-4411', '.env');
    const run = await cli(['check', '--env-file', missing]);
    // Node itself looks at every `--env-file` on its command line, the script's too, and stops
    // first with exit 9 (nodejs/node#54232); where it does not, the command's own check answers 2.
    expect([2, 9]).toContain(run.code);
    expect(run.stderr).toContain(missing);
    expect(run.stdout).toBe('');
  });
});

describe('usage', () => {
  it('--help prints the commands, the variables and the exit codes (exit 0)', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('zenoti-auth check');
    expect(run.stdout).toContain('zenoti-auth status');
    expect(run.stdout).toContain('ZENOTI_API_KEY, ZENOTI_BASE_URL');
    expect(run.stdout).toContain('Exit codes: 0 ok; 1 the check failed');
  });

  it.each([
    [[], /a command is missing/],
    [['deploy'], /unknown command: use check or status/],
    [['check', '--verbose'], /Unknown option '--verbose'/],
    [['check', '--redis', 'redis://127.0.0.1:6379'], /--redis is an option of status, not check/],
    [['status'], /status needs --redis <url> \(or the variable REDIS_URL\)/],
    [['status', '--redis', 'http://127.0.0.1:6379'], /--redis must be a redis:\/\/ or rediss:\/\/ URL/],
    [['status', '--redis', 'redis://127.0.0.1:6379', '--prefix', 'two words'], /--prefix must be/],
  ])('%j is a usage error: exit 2, what is wrong on stderr', async (args, message) => {
    const run = await cli(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Run zenoti-auth --help');
    expect(run.stdout).toBe('');
  });

  it('never echoes an argument that may hold a password', async () => {
    const secret = 'redis-password-4417';
    for (const args of [
      ['status', `redis://:${secret}@127.0.0.1:6379`],
      ['status', '--redis', `http://user:${secret}@127.0.0.1:6379`],
    ]) {
      const run = await cli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).not.toContain(secret);
    }
  });
});
