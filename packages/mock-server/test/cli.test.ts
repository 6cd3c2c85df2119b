import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEMO_CREDENTIALS as D } from '../src/index.ts';
import { distFile } from './dist.ts';
import { employeeGrant } from './helpers.ts';

const run = promisify(execFile);

interface Cli {
  child: ChildProcess;
  /** Everything printed to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `text` (rejects after `ms`). */
  waitFor(text: string | RegExp, ms?: number): Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(args: string[]): Cli {
  const child = spawn(process.execPath, [distFile('cli.mjs'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of waiters) w();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const waitFor = (text: string | RegExp, ms = 5_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (typeof text === 'string' ? out.includes(text) : text.test(out)) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(out);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`CLI did not print ${String(text)} within ${ms} ms; stdout: ${out}; stderr: ${err}`),
        );
      }, ms);
      waiters.add(check);
      check();
    });
  return { child, stdout: () => out, stderr: () => err, waitFor, exit };
}

async function curlGrant(url: string): Promise<{ credentials: { token_type: string; user_type: string } }> {
  const grant = {
    account_name: D.accountName,
    user_name: D.employee.username,
    password: D.employee.password,
    grant_type: 'password',
    app_id: D.employeeApp.appId,
    app_secret: D.employeeApp.appSecret,
  };
  const { stdout } = await run('curl', [
    '-sS',
    '--max-time',
    '5',
    '-X',
    'POST',
    '-H',
    'content-type: application/json',
    '--data',
    JSON.stringify(grant),
    `${url}/v1/tokens`,
  ]);
  return JSON.parse(stdout);
}

async function listeningUrl(cli: Cli): Promise<string> {
  const out = await cli.waitFor(/other employee:.*\n/);
  const first = out.split('\n')[0] ?? '';
  const match = /^zenoti-mock listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
  if (!match?.[1]) throw new Error(`unexpected first line: ${first}`);
  return match[1];
}

describe('zenoti-mock CLI', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'serves on --port 0, prints its URL and the demo credentials, and exits 0 on %s',
    async (signal) => {
      const cli = startCli(['--port', '0']);
      const url = await listeningUrl(cli);
      const out = cli.stdout();
      for (const value of [
        D.accountName,
        D.apiKey,
        D.employeeApp.appId,
        D.employeeApp.appSecret,
        D.guestApp.appId,
        D.employee.username,
        D.employee.password,
        D.guests[0].username,
        D.other.apiKey,
      ]) {
        expect(out).toContain(value);
      }
      const body = await curlGrant(url);
      expect(body.credentials.token_type).toBe('bearer');
      expect(body.credentials.user_type).toBe('Employee');
      await cli.waitFor(/POST \/v1\/tokens 200 \d+ms/);

      const started = performance.now();
      cli.child.kill(signal);
      expect(await cli.exit).toEqual({ code: 0, signal: null });
      expect(performance.now() - started).toBeLessThan(3_000);
    },
  );

  it('applies flags: --token-ttl, --rate-limit, --control and --quiet', async () => {
    const cli = startCli([
      '--port',
      '0',
      '--token-ttl',
      '2s',
      '--rate-limit',
      '5/10',
      '--control',
      '--quiet',
    ]);
    const url = await listeningUrl(cli);
    const res = await fetch(`${url}/v1/centers`, { headers: { authorization: `apikey ${D.apiKey}` } });
    expect(res.headers.get('organization-ratelimit-limit')).toBe('5;w=10;b=5');
    const counters = await fetch(`${url}/__mock/counters`);
    expect(counters.status).toBe(200);
    await cli.waitFor(`Live page: ${url}/_mock/`);
    const live = await fetch(`${url}/_mock/`);
    expect([live.status, live.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    await live.arrayBuffer();
    const body = await curlGrant(url);
    const expiry = Date.parse(
      (body.credentials as unknown as { access_token_expiry: string }).access_token_expiry,
    );
    expect(expiry - Date.now()).toBeLessThanOrEqual(2_000);
    expect(cli.stdout()).not.toMatch(/GET \/v1\/centers/);
    cli.child.kill('SIGINT');
    expect((await cli.exit).code).toBe(0);
  });

  it('applies --rate-limit-mode and --lockout', async () => {
    const windowCli = startCli(['--port', '0', '--rate-limit', '2/1.5', '--quiet']);
    const bucketCli = startCli([
      '--port',
      '0',
      '--rate-limit-mode',
      'bucket',
      '--rate-limit',
      '5/10/4',
      '--lockout',
      '2/1m/1m',
      '--quiet',
    ]);
    const windowUrl = await listeningUrl(windowCli);
    const bucketUrl = await listeningUrl(bucketCli);
    const centers = (url: string) =>
      fetch(`${url}/v1/centers`, { headers: { authorization: `apikey ${D.apiKey}` } });

    const answers = [await centers(windowUrl), await centers(windowUrl), await centers(windowUrl)];
    expect(answers[0]?.headers.get('organization-ratelimit-limit')).toBe('2;w=1.5;b=2');
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[2]?.headers.get('retry-after')).toBe('2');

    const bucket = await centers(bucketUrl);
    expect(bucket.headers.get('organization-ratelimit-limit')).toBe('5;w=10;b=4');
    expect(bucket.headers.get('ratelimit-reset')).toBe('2');
    // Two rejected passwords lock the login.
    const grant = { ...employeeGrant(), password: 'wrong' };
    const post = () =>
      fetch(`${bucketUrl}/v1/tokens`, { method: 'POST', body: JSON.stringify(grant) }).then((r) => r.json());
    expect((await post()).error.message).toBe('The username or password is incorrect.');
    expect((await post()).error.message).toMatch(/^Login failed, account has been locked/);
    for (const cli of [windowCli, bucketCli]) {
      cli.child.kill('SIGTERM');
      expect((await cli.exit).code).toBe(0);
    }
  });

  it('applies --revoke-answer, --bad-app-answer and --api-key-grace', async () => {
    const cli = startCli([
      '--port',
      '0',
      '--revoke-answer',
      'no-content',
      '--bad-app-answer',
      '500-4023',
      '--api-key-grace',
      '1s',
      '--control',
      '--quiet',
    ]);
    const url = await listeningUrl(cli);
    const post = (body: unknown) => fetch(`${url}/v1/tokens`, { method: 'POST', body: JSON.stringify(body) });
    const badApp = await post({ ...employeeGrant(), app_secret: 'nope' });
    expect(badApp.status).toBe(500);
    expect((await badApp.json()).error).toEqual({ code: 4023, message: 'Unable to generate token' });
    const { credentials } = await (await post(employeeGrant())).json();
    const revoked = await fetch(`${url}/v1/tokens/sessions/revoke`, {
      method: 'DELETE',
      headers: { authorization: `bearer ${credentials.access_token}` },
    });
    expect(revoked.status).toBe(204);

    const controlPost = (path: string, body: unknown) =>
      fetch(`${url}/__mock${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    await controlPost('/api-keys/rotate', { accountName: D.accountName, key: D.apiKey });
    const centers = () =>
      fetch(`${url}/v1/centers`, { headers: { authorization: `apikey ${D.apiKey}` } }).then((r) => r.status);
    expect(await centers()).toBe(200);
    await controlPost('/clock/advance', { ms: 1_000 });
    expect(await centers()).toBe(401);
    cli.child.kill('SIGTERM');
    expect((await cli.exit).code).toBe(0);
  });

  it('--print-env prints the demo credentials as ZENOTI_* variables for its --host and --port, then exits', async () => {
    const { stdout } = await run(process.execPath, [distFile('cli.mjs'), '--print-env', '--port', '4999']);
    const lines = stdout.trim().split('\n');
    const env = Object.fromEntries(
      lines
        .filter((l) => /^ZENOTI_/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env).toEqual({
      ZENOTI_BASE_URL: 'http://127.0.0.1:4999',
      ZENOTI_ACCOUNT_NAME: D.accountName,
      ZENOTI_APP_ID: D.employeeApp.appId,
      ZENOTI_APP_SECRET: D.employeeApp.appSecret,
      ZENOTI_USERNAME: D.employee.username,
      ZENOTI_PASSWORD: D.employee.password,
      ZENOTI_GUEST_BASE_URL: 'http://127.0.0.1:4999',
      ZENOTI_GUEST_ACCOUNT_NAME: D.accountName,
      ZENOTI_GUEST_APP_ID: D.guestApp.appId,
      ZENOTI_GUEST_APP_SECRET: D.guestApp.appSecret,
      ZENOTI_GUEST_1_USERNAME: D.guests[0].username,
      ZENOTI_GUEST_1_PASSWORD: D.guests[0].password,
      ZENOTI_GUEST_2_USERNAME: D.guests[1].username,
      ZENOTI_GUEST_2_PASSWORD: D.guests[1].password,
    });
    expect(lines).toContain(`# ZENOTI_API_KEY=${D.apiKey}`);
    // Each group of lines under the comment that says which mode it is.
    const after = (comment: string) => lines[lines.findIndex((l) => l.startsWith(comment)) + 1];
    expect(after('# service user mode (zenotiOptionsFromEnv(env))')).toBe(
      'ZENOTI_BASE_URL=http://127.0.0.1:4999',
    );
    expect(lines.filter((l) => l.startsWith('# API key mode'))).toHaveLength(1);
    expect(after('# five ZENOTI_ACCOUNT_NAME')).toBe(`# ZENOTI_API_KEY=${D.apiKey}`);
    expect(after("# guest app (zenotiOptionsFromEnv(env, { prefix: 'ZENOTI_GUEST_' }))")).toBe(
      'ZENOTI_GUEST_BASE_URL=http://127.0.0.1:4999',
    );
    expect(after('# guests who sign in through the guest app')).toBe(
      `ZENOTI_GUEST_1_USERNAME=${D.guests[0].username}`,
    );
    for (const args of [
      ['--print-env', '--port', '0'],
      ['--print-env', '--seed', 'x.json'],
    ]) {
      const failed = await run(process.execPath, [distFile('cli.mjs'), ...args]).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(failed).toMatchObject({ code: 2 });
      expect((failed as { stderr: string }).stderr).toMatch(/--print-env/);
    }
  });

  it('exits non-zero with a clear error for a missing --seed file', async () => {
    const cli = startCli(['--port', '0', '--seed', '/nonexistent/zenoti-seed.json']);
    const { code } = await cli.exit;
    expect(code).not.toBe(0);
    expect(cli.stderr()).toContain('cannot read seed file "/nonexistent/zenoti-seed.json" (ENOENT)');
    expect(cli.stdout()).toBe('');
  });

  it('exits non-zero naming the bad field of an invalid --seed file, and serves a valid one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zenoti-mock-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ organizations: [{ accountName: 'acme', apps: [{ appId: 'A' }] }] }));
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{"organizations": [');
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({
        organizations: [{ accountName: 'acme', users: [{ username: 'ops', password: 'TopSecret-1' }] }],
      }),
    );
    const badCli = startCli(['--port', '0', '--seed', bad]);
    const brokenCli = startCli(['--port', '0', '--seed', notJson]);
    const goodCli = startCli(['--port', '0', '--seed', good]);

    expect((await badCli.exit).code).not.toBe(0);
    expect(badCli.stderr()).toContain('organizations[0].apps[0].appSecret must be a non-empty string');
    expect((await brokenCli.exit).code).not.toBe(0);
    expect(brokenCli.stderr()).toContain('is not valid JSON');
    await goodCli.waitFor(/acme: .*ops/);
    expect(goodCli.stdout()).not.toContain('TopSecret-1');
    goodCli.child.kill('SIGTERM');
    expect((await goodCli.exit).code).toBe(0);
  });

  it('prints help and rejects unknown flags and bad values', async () => {
    const help = run(process.execPath, [distFile('cli.mjs'), '--help']);
    const clis = [
      ['--bogus'],
      ['--token-ttl', 'soon'],
      ['--port', 'x'],
      ['--rate-limit', '5'],
      ['--rate-limit', '5/10/2'],
      ['--rate-limit-mode', 'sliding'],
      ['--lockout', 'often'],
      ['--revoke-answer', 'xml'],
      ['--bad-app-answer', '403'],
      ['--api-key-grace', 'a week'],
    ].map(startCli);
    const { stdout } = await help;
    for (const flag of [
      '--rate-limit',
      '--rate-limit-mode',
      '--lockout',
      '--revoke-answer',
      '--bad-app-answer',
      '--api-key-grace',
    ]) {
      expect(stdout).toContain(flag);
    }
    for (const cli of clis) {
      expect((await cli.exit).code).toBe(2);
      expect(cli.stderr()).toMatch(/^zenoti-mock: /);
    }
    expect(clis[4]?.stderr()).toContain('needs --rate-limit-mode bucket');
    expect(clis[5]?.stderr()).toContain('--rate-limit-mode must be "window" or "bucket"');
    expect(clis[6]?.stderr()).toContain('--lockout must look like');
    expect(clis[7]?.stderr()).toContain('--revoke-answer must be one of json, text, empty, no-content');
    expect(clis[8]?.stderr()).toContain('--bad-app-answer must be one of 401, 500-4023');
    expect(clis[9]?.stderr()).toContain('--api-key-grace: invalid duration');
  });
});
