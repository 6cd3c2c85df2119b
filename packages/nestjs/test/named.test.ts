import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { redactAuthorization, ZenotiAuth } from '@zenoti-auth/core';
import { getZenotiAuthToken, InjectZenotiAuth, ZenotiAuthModule } from '@zenoti-auth/nestjs';
import { describe, expect, it } from 'vitest';
import { compile, D, otherServiceUser, serviceUser, zenoti } from './support.ts';

/** Reads centres for both organisations: the default configuration and the one named "other". */
@Injectable()
class TwoOrganisations {
  constructor(
    @InjectZenotiAuth() readonly main: ZenotiAuth,
    @InjectZenotiAuth('other') readonly other: ZenotiAuth,
  ) {}
}

@Module({ providers: [TwoOrganisations] })
class ReportsModule {}

/** Injected by type alone: needs `design:paramtypes`, i.e. emitDecoratorMetadata in the test build. */
@Injectable()
class ByType {
  constructor(readonly zenoti: ZenotiAuth) {}
}

describe('named configurations', () => {
  it('two organisations coexist, each with its own credentials and token', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [
        ZenotiAuthModule.forRoot({ ...serviceUser(mock.url), isGlobal: true }),
        ZenotiAuthModule.forRoot({ ...otherServiceUser(mock.url), isGlobal: true, name: 'other' }),
        ReportsModule,
      ],
    });
    const { main, other } = moduleRef.get(TwoOrganisations);
    expect(main).not.toBe(other);
    expect(main.toJSON()).toMatchObject({ accountName: D.accountName });
    expect(other.toJSON()).toMatchObject({ accountName: D.other.accountName });
    expect(moduleRef.get(getZenotiAuthToken('other'))).toBe(other);
    expect(moduleRef.get(getZenotiAuthToken())).toBe(main);

    expect((await main.fetch('/v1/centers')).status).toBe(200);
    expect((await other.fetch('/v1/centers')).status).toBe(200);

    // Two password grants (one per organisation), and two different bearer tokens on the wire.
    expect(mock.control.counters().token.password.ok).toBe(2);
    const sent = mock.control
      .requests()
      .filter((r) => r.path === '/v1/centers')
      .map((r) => r.authorization);
    expect(sent).toEqual([
      redactAuthorization(await main.authorization()),
      redactAuthorization(await other.authorization()),
    ]);
    expect(new Set(sent).size).toBe(2);
  });

  it('named API-key configurations send their own keys', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [
        ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey, isGlobal: true, name: 'spa' }),
        ZenotiAuthModule.forRoot({
          baseUrl: mock.url,
          apiKey: D.other.apiKey,
          isGlobal: true,
          name: 'other',
        }),
      ],
    });
    await moduleRef.get<ZenotiAuth>(getZenotiAuthToken('spa')).fetch('/v1/centers');
    await moduleRef.get<ZenotiAuth>(getZenotiAuthToken('other')).fetch('/v1/centers');
    expect(mock.control.requests().map((r) => r.authorization)).toEqual([
      `apikey …${D.apiKey.slice(-4)}`,
      `apikey …${D.other.apiKey.slice(-4)}`,
    ]);
    // Neither is the default configuration.
    expect(() => moduleRef.get(ZenotiAuth)).toThrow();
  });

  it('a named forRootAsync sits beside a default forRoot', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ OTHER_KEY: D.other.apiKey })] }),
        ZenotiAuthModule.forRoot({ ...serviceUser(mock.url), isGlobal: true }),
        ZenotiAuthModule.forRootAsync({
          name: 'other',
          isGlobal: true,
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            baseUrl: mock.url,
            apiKey: config.getOrThrow<string>('OTHER_KEY'),
          }),
        }),
        ReportsModule,
      ],
    });
    const { main, other } = moduleRef.get(TwoOrganisations);
    expect(main.mode).toBe('token');
    expect(other.mode).toBe('apiKey');
  });

  it('injects the default ZenotiAuth by type alone (decorator metadata in the test build)', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey })],
      providers: [ByType],
    });
    expect(moduleRef.get(ByType).zenoti).toBe(moduleRef.get(ZenotiAuth));
  });
});
