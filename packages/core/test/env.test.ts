import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startMockZenoti } from '@zenoti-auth/mock-server';
import { describe, expect, it } from 'vitest';
import { zenotiOptionsFromEnv } from '../src/env.ts';
import { ZenotiAuth } from '../src/index.ts';
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
      // The guest app beside it, under its prefix: a printed guest signs in through it.
      const guests = new ZenotiAuth(zenotiOptionsFromEnv(env, { prefix: 'ZENOTI_GUEST_' }));
      const { principal } = await guests.login({
        username: String(env.ZENOTI_GUEST_1_USERNAME),
        password: String(env.ZENOTI_GUEST_1_PASSWORD),
      });
      expect((await guests.fetch('/v1/centers', { zenoti: { principal } })).status).toBe(200);
      // API key mode as its comment says: uncomment its line, drop the five service-user lines.
      const [, name = '', key] = /^# (ZENOTI_API_KEY)=(.+)$/m.exec(printed) ?? [];
      expect(rejection(() => zenotiOptionsFromEnv({ ...env, [name]: key })).message).toContain(
        'ZENOTI_API_KEY and ZENOTI_ACCOUNT_NAME are both set',
      );
      const serviceUser = ['ACCOUNT_NAME', 'APP_ID', 'APP_SECRET', 'USERNAME', 'PASSWORD'].map(
        (s) => `ZENOTI_${s}`,
      );
      const keyEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !serviceUser.includes(k)));
      const withKey = new ZenotiAuth(zenotiOptionsFromEnv({ ...keyEnv, [name]: key }));
      expect(withKey.mode).toBe('apiKey');
      expect((await withKey.fetch('/v1/centers')).status).toBe(200);
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
  ])('names the variable at fault (%s), without a value', (_case, env, field) => {
    const error = rejection(() => zenotiOptionsFromEnv(env));
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    expect(error.message).toContain(`Environment variable ${field}`);
    expect(error.message).not.toContain('hush-hush');
  });

  it('refuses an API key beside an app, naming both variables (never a value)', () => {
    const error = rejection(() =>
      zenotiOptionsFromEnv({
        ZENOTI_API_KEY: 'k-hush-hush',
        ZENOTI_APP_ID: 'id',
        ZENOTI_APP_SECRET: 'hush-hush',
      }),
    );
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'ZENOTI_APP_ID' });
    expect(error.message).toBe(
      "[@zenoti-auth/core] Environment variables ZENOTI_API_KEY and ZENOTI_APP_ID are both set: an API key and an app are two modes; keep the variables of one (an app beside an API key goes under another prefix: zenotiOptionsFromEnv(env, { prefix: 'ZENOTI_GUEST_' })).",
    );
    expect(
      rejection(() =>
        zenotiOptionsFromEnv(
          { ZENOTI_GUEST_API_KEY: 'k', ZENOTI_GUEST_PASSWORD: 'p' },
          { prefix: 'ZENOTI_GUEST_' },
        ),
      ).message,
    ).toContain('Environment variables ZENOTI_GUEST_API_KEY and ZENOTI_GUEST_PASSWORD are both set');
  });

  it('tells a bad value by the variable the user set, not the option it becomes', () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [
        { ZENOTI_API_KEY: 'k', ZENOTI_BASE_URL: 'http://api.zenoti.com' },
        'ZENOTI_BASE_URL',
        'Environment variable ZENOTI_BASE_URL must use https (http only for loopback hosts).',
      ],
      [
        { ZENOTI_API_KEY: 'k', ZENOTI_BASE_URL: 'api.zenoti.com' },
        'ZENOTI_BASE_URL',
        'Environment variable ZENOTI_BASE_URL is missing http:// or https://.',
      ],
      [
        { ZENOTI_API_KEY: 'two words' },
        'ZENOTI_API_KEY',
        'Environment variable ZENOTI_API_KEY must not contain whitespace.',
      ],
      [
        { ZENOTI_ACCOUNT_NAME: 'spa', ZENOTI_APP_ID: 'id', ZENOTI_APP_SECRET: 'hush hush' },
        'ZENOTI_APP_SECRET',
        'Environment variable ZENOTI_APP_SECRET must not contain whitespace.',
      ],
      [
        { ZENOTI_API_KEY: 'k', ZENOTI_ALLOWED_ORIGINS: 'https://a.example, http://b.example' },
        'ZENOTI_ALLOWED_ORIGINS (entry 2)',
        'Environment variable ZENOTI_ALLOWED_ORIGINS (entry 2) must use https (http only for loopback hosts).',
      ],
    ];
    for (const [env, field, message] of cases) {
      const error = rejection(() => zenotiOptionsFromEnv(env));
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
      expect(error.message).toBe(`[@zenoti-auth/core] ${message}`);
      expect(error.message).not.toContain('hush');
    }
    const guest = rejection(() =>
      zenotiOptionsFromEnv(
        { ZENOTI_GUEST_API_KEY: 'k', ZENOTI_GUEST_BASE_URL: 'https://api.zenoti.com/v1' },
        { prefix: 'ZENOTI_GUEST_' },
      ),
    );
    expect(guest.message).toBe(
      '[@zenoti-auth/core] Environment variable ZENOTI_GUEST_BASE_URL must not end in /v1: give the host (and any gateway prefix); paths add /v1 themselves.',
    );
  });

  it('reads another set under a prefix, so an API key and a guest app live side by side; both reach Zenoti', async () => {
    const z = await zenoti();
    const env = {
      ZENOTI_API_KEY: D.apiKey,
      ZENOTI_BASE_URL: z.url,
      ZENOTI_GUEST_BASE_URL: z.url,
      ZENOTI_GUEST_ACCOUNT_NAME: D.accountName,
      ZENOTI_GUEST_APP_ID: D.guestApp.appId,
      ZENOTI_GUEST_APP_SECRET: D.guestApp.appSecret,
    };
    expect(zenotiOptionsFromEnv(env)).toEqual({ apiKey: D.apiKey, baseUrl: z.url });
    const guestOptions = zenotiOptionsFromEnv(env, { prefix: 'ZENOTI_GUEST_' });
    expect(guestOptions).toEqual({ baseUrl: z.url, app: { accountName: D.accountName, ...D.guestApp } });
    expect((await new ZenotiAuth(zenotiOptionsFromEnv(env)).fetch('/v1/centers')).status).toBe(200);
    const guests = new ZenotiAuth(guestOptions);
    const [guest] = D.guests;
    const { principal } = await guests.login({ username: guest.username, password: guest.password });
    expect((await guests.fetch('/v1/centers', { zenoti: { principal } })).status).toBe(200);
    // Nothing is read from outside the prefix: no fallback to ZENOTI_BASE_URL or ZENOTI_API_KEY.
    expect(rejection(() => zenotiOptionsFromEnv(env, { prefix: 'OTHER_' })).message).toBe(
      '[@zenoti-auth/core] Environment variable OTHER_API_KEY is missing: set it, or OTHER_ACCOUNT_NAME, OTHER_APP_ID and OTHER_APP_SECRET for access tokens.',
    );
    for (const prefix of ['', 'ZENOTI-GUEST-', 42])
      expect(rejection(() => zenotiOptionsFromEnv(env, { prefix } as never))).toMatchObject({
        code: 'INVALID_OPTIONS',
        field: 'prefix',
      });
  });
});
