import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startMockZenoti } from '@zenoti-auth/mock-server';
import { describe, expect, it } from 'vitest';
import { ZenotiAuth, zenotiOptionsFromEnv } from '../src/index.ts';
import { D, zenoti } from './support.ts';

const tokenEnv = (url: string): Record<string, string> => ({
  ZENOTI_BASE_URL: url,
  ZENOTI_ACCOUNT_NAME: D.accountName,
  ZENOTI_APP_ID: D.employeeApp.appId,
  ZENOTI_APP_SECRET: D.employeeApp.appSecret,
  ZENOTI_USERNAME: D.employee.username,
  ZENOTI_PASSWORD: D.employee.password,
});

function rejection(run: () => unknown): Error & { code?: string; field?: string } {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('zenotiOptionsFromEnv', () => {
  it('reads API-key mode and token mode from conventional variables; the engines they make reach Zenoti', async () => {
    const z = await zenoti();
    const withKey = zenotiOptionsFromEnv({ ZENOTI_API_KEY: D.apiKey, ZENOTI_BASE_URL: z.url, PATH: '/bin' });
    expect(withKey).toEqual({ apiKey: D.apiKey, baseUrl: z.url });
    const withApp = zenotiOptionsFromEnv({
      ...tokenEnv(z.url),
      ZENOTI_DEVICE_ID: 'device-1',
      ZENOTI_API_KEY: '',
    });
    expect(withApp).toEqual({
      baseUrl: z.url,
      app: { accountName: D.accountName, ...D.employeeApp, deviceId: 'device-1' },
      user: { ...D.employee },
    });
    for (const options of [withKey, withApp])
      expect((await new ZenotiAuth(options).fetch('/v1/centers')).status).toBe(200);
  });

  it('takes Hono’s c.env on Workers: bindings that are not text are left alone unless they are ZENOTI_ ones', () => {
    const env = { ...tokenEnv('https://api.zenoti.com'), ZENOTI_AUTH: undefined, KV: { get() {} } };
    expect(zenotiOptionsFromEnv(env)).toMatchObject({ app: { accountName: D.accountName } });
    expect(rejection(() => zenotiOptionsFromEnv({ ZENOTI_API_KEY: { secret: true } }))).toMatchObject({
      code: 'INVALID_OPTIONS',
      field: 'ZENOTI_API_KEY',
    });
  });

  it('reads what `zenoti-mock --print-env` prints: an engine from it reaches that mock', async () => {
    const probe = await startMockZenoti({ port: 0, log: false });
    const port = Number(new URL(probe.url).port);
    await probe.close(); // a port that was free a moment ago, for the CLI to print and the mock to take
    const cli = join(dirname(createRequire(import.meta.url).resolve('@zenoti-auth/mock-server')), 'cli.mjs');
    const printed = execFileSync(process.execPath, [cli, '--print-env', '--port', String(port)], {
      encoding: 'utf8',
    });
    const env = Object.fromEntries(
      printed
        .split('\n')
        .filter((line) => /^ZENOTI_\w+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const mock = await startMockZenoti({ port, log: false, rateLimit: false });
    try {
      const auth = new ZenotiAuth(zenotiOptionsFromEnv(env));
      expect(auth.mode).toBe('token');
      expect((await auth.fetch('/v1/centers')).status).toBe(200);
    } finally {
      await mock.close();
    }
  });

  it('reads ZENOTI_ALLOWED_ORIGINS as a comma-separated list', () => {
    expect(
      zenotiOptionsFromEnv({
        ZENOTI_API_KEY: 'k',
        ZENOTI_ALLOWED_ORIGINS: 'https://a.example, https://b.example,',
      }),
    ).toEqual({ apiKey: 'k', allowedOrigins: ['https://a.example', 'https://b.example'] });
  });

  it.each([
    ['nothing set', {}, 'ZENOTI_API_KEY'],
    ['an app without its secret', { ZENOTI_ACCOUNT_NAME: 'spa', ZENOTI_APP_ID: 'id' }, 'ZENOTI_APP_SECRET'],
    [
      'an empty variable',
      { ZENOTI_ACCOUNT_NAME: 'spa', ZENOTI_APP_ID: '', ZENOTI_APP_SECRET: 's' },
      'ZENOTI_APP_ID',
    ],
    [
      'a username without a password',
      { ZENOTI_ACCOUNT_NAME: 'spa', ZENOTI_APP_ID: 'id', ZENOTI_APP_SECRET: 's', ZENOTI_USERNAME: 'u' },
      'ZENOTI_PASSWORD',
    ],
    [
      'an API key beside an app',
      { ZENOTI_API_KEY: 'k', ZENOTI_APP_SECRET: 'hush-hush' },
      'ZENOTI_APP_SECRET',
    ],
  ])('names the variable at fault (%s), without a value', (_case, env, field) => {
    const error = rejection(() => zenotiOptionsFromEnv(env));
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    expect(error.message).toContain(`Environment variable ${field}`);
    expect(error.message).not.toContain('hush-hush');
  });
});
