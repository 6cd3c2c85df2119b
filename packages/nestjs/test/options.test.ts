import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { isZenotiAuthError, type ZenotiAuthError } from '@zenoti-auth/core';
import { ZenotiAuthModule, type ZenotiAuthModuleOptions } from '@zenoti-auth/nestjs';
import { describe, expect, it } from 'vitest';
import { D, rejection, SECRETS } from './support.ts';

const URL_ = 'http://127.0.0.1:9';
const app = { accountName: D.accountName, ...D.employeeApp };

/** Compiles a module importing `imported` and returns the ZenotiAuthError it fails with. */
async function initError(imported: ReturnType<typeof ZenotiAuthModule.forRoot>): Promise<ZenotiAuthError> {
  const error = await rejection(Test.createTestingModule({ imports: [imported] }).compile());
  if (!isZenotiAuthError(error)) throw error;
  for (const secret of SECRETS) expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(secret);
  return error;
}

/** Deliberately wrong options, as they could arrive from untyped configuration. */
const untyped = (value: unknown): ZenotiAuthModuleOptions => value as ZenotiAuthModuleOptions;

describe('invalid options fail at module init, naming the field', () => {
  it.each([
    ['both apiKey and app', 'app', { baseUrl: URL_, apiKey: D.apiKey, app }],
    ['no credentials at all', 'apiKey', { baseUrl: URL_ }],
    ['an empty app secret', 'app.appSecret', { baseUrl: URL_, app: { ...app, appSecret: '' } }],
    [
      'a secret with whitespace',
      'app.appSecret',
      { baseUrl: URL_, app: { ...app, appSecret: ` ${D.employeeApp.appSecret}` } },
    ],
    ['plain http to a remote host', 'baseUrl', { baseUrl: 'http://api.zenoti.com', apiKey: D.apiKey }],
    ['an unknown option (typo)', 'apikey', { baseUrl: URL_, apikey: D.apiKey }],
    [
      'a negative refresh window',
      'refreshWindowMs',
      { baseUrl: URL_, apiKey: D.apiKey, refreshWindowMs: -1 },
    ],
    [
      'revokeOnShutdown that is not a boolean',
      'revokeOnShutdown',
      { baseUrl: URL_, apiKey: D.apiKey, revokeOnShutdown: 'yes' },
    ],
    ['logEvents that is not a boolean', 'logEvents', { baseUrl: URL_, apiKey: D.apiKey, logEvents: 1 }],
  ])('forRoot with %s → INVALID_OPTIONS, field "%s"', async (_, field, options) => {
    const error = await initError(ZenotiAuthModule.forRoot(untyped(options)));
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('the module setting revokeOnShutdown, when not a boolean, is named by @zenoti-auth/nestjs', async () => {
    const error = await initError(
      ZenotiAuthModule.forRoot(untyped({ baseUrl: URL_, apiKey: D.apiKey, revokeOnShutdown: 'yes' })),
    );
    expect(error.message).toBe(
      '[@zenoti-auth/nestjs] Option "revokeOnShutdown" of ZenotiAuthModule must be true or false.',
    );
  });

  it.each([
    ['returns options with a bad field', () => ({ baseUrl: URL_, app: { ...app, appId: 42 } }), 'app.appId'],
    ['returns undefined', () => undefined, 'options'],
    [
      'resolves to module extras inside the options',
      async () => ({ baseUrl: URL_, apiKey: D.apiKey, isGlobal: true }),
      'isGlobal',
    ],
  ])('a forRootAsync factory that %s → field "%s"', async (_, useFactory, field) => {
    const error = await initError(ZenotiAuthModule.forRootAsync({ useFactory: () => untyped(useFactory()) }));
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.field).toBe(field);
  });

  it('a factory reading a missing ConfigService value fails init', async () => {
    const error = await initError(
      ZenotiAuthModule.forRootAsync({
        imports: [
          ConfigModule.forRoot({
            ignoreEnvFile: true,
            load: [() => ({ ZENOTI_BASE_URL: URL_, ZENOTI_API_KEY: '  ' })],
          }),
        ],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          baseUrl: config.getOrThrow<string>('ZENOTI_BASE_URL'),
          apiKey: config.getOrThrow<string>('ZENOTI_API_KEY'),
        }),
      }),
    );
    expect(error.field).toBe('apiKey');
  });

  it('an invalid name fails when the module is defined', () => {
    expect(() => ZenotiAuthModule.forRoot({ baseUrl: URL_, apiKey: D.apiKey, name: ' ' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', field: 'name' }),
    );
  });

  it('NestFactory start-up fails with the same error (no request ever made)', async () => {
    @Module({ imports: [ZenotiAuthModule.forRoot(untyped({ baseUrl: URL_, apiKey: D.apiKey, app }))] })
    class AppModule {}
    const error = await rejection(
      NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false }),
    );
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'app' });
  });
});
