import { Inject, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { ZenotiAuth, type ZenotiAuthOptions } from '@zenoti-auth/core';
import {
  InjectZenotiAuth,
  ZenotiAuthModule,
  type ZenotiAuthModuleOptions,
  type ZenotiAuthOptionsFactory,
} from '@zenoti-auth/nestjs';
import { serviceUserEnv } from '@zenoti-auth/test-support';
import { describe, expect, it } from 'vitest';
import { compile, D, rejection, serviceUser, zenoti } from './support.ts';

/** A provider in a module that does NOT import ZenotiAuthModule. */
@Injectable()
class CentersReader {
  constructor(@InjectZenotiAuth() readonly zenoti: ZenotiAuth) {}
  async count(): Promise<number> {
    const res = await this.zenoti.fetch('/v1/centers');
    const body = (await res.json()) as { centers: unknown[] };
    return body.centers.length;
  }
}

@Module({ providers: [CentersReader], exports: [CentersReader] })
class FeatureModule {}

/** The env a ConfigModule reads from instead of a .env file. */
function configFor(url: string): Record<string, string> {
  return serviceUserEnv(url);
}

function fromConfig(config: ConfigService): ZenotiAuthModuleOptions {
  return {
    baseUrl: config.getOrThrow<string>('ZENOTI_BASE_URL'),
    app: {
      accountName: config.getOrThrow<string>('ZENOTI_ACCOUNT_NAME'),
      appId: config.getOrThrow<string>('ZENOTI_APP_ID'),
      appSecret: config.getOrThrow<string>('ZENOTI_APP_SECRET'),
    },
    user: {
      username: config.getOrThrow<string>('ZENOTI_USERNAME'),
      password: config.getOrThrow<string>('ZENOTI_PASSWORD'),
    },
  };
}

describe('ZenotiAuthModule.forRoot', () => {
  it('provides a ZenotiAuth (the class is the token) that calls Zenoti with a token', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({ imports: [ZenotiAuthModule.forRoot(serviceUser(mock.url))] });
    const auth = moduleRef.get(ZenotiAuth);
    expect(auth).toBeInstanceOf(ZenotiAuth);
    expect(auth.mode).toBe('token');
    const res = await auth.fetch('/v1/centers');
    expect(res.status).toBe(200);
    expect(mock.control.counters().token.password.ok).toBe(1);
    expect(mock.control.requests().at(-1)?.authorization).toMatch(/^bearer …/);
  });

  it('isGlobal: true makes ZenotiAuth injectable in a module that does not import it', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [ZenotiAuthModule.forRoot({ ...serviceUser(mock.url), isGlobal: true }), FeatureModule],
    });
    expect(await moduleRef.get(CentersReader).count()).toBe(3);
    expect(moduleRef.get(CentersReader).zenoti).toBe(moduleRef.get(ZenotiAuth));
  });

  it('without isGlobal, a module that does not import it cannot inject ZenotiAuth', async () => {
    const mock = await zenoti();
    const error = await rejection(
      Test.createTestingModule({
        imports: [ZenotiAuthModule.forRoot(serviceUser(mock.url)), FeatureModule],
      }).compile(),
    );
    expect(String(error)).toMatch(/can't resolve dependencies of the CentersReader/i);
  });

  it('never mutates the options object it is given', async () => {
    const mock = await zenoti();
    const options = { ...serviceUser(mock.url), isGlobal: true, name: 'copy', revokeOnShutdown: false };
    const before = { ...options };
    await compile({ imports: [ZenotiAuthModule.forRoot(options)] });
    expect(options).toEqual(before);
  });
});

describe('ZenotiAuthModule.forRootAsync', () => {
  it('builds ZenotiAuth from ConfigService (ConfigModule with ignoreEnvFile + load)', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => configFor(mock.url)] }),
        ZenotiAuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: fromConfig,
        }),
      ],
    });
    const auth = moduleRef.get(ZenotiAuth);
    expect(auth.baseUrl).toBe(mock.url);
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect(mock.control.counters().token.password.ok).toBe(1);
  });

  it('isGlobal: true works in the async variant too', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => configFor(mock.url)] }),
        ZenotiAuthModule.forRootAsync({
          isGlobal: true,
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: async (config: ConfigService) => fromConfig(config),
        }),
        FeatureModule,
      ],
    });
    expect(await moduleRef.get(CentersReader).count()).toBe(3);
  });

  it('without isGlobal, the async variant is not global either', async () => {
    const mock = await zenoti();
    const error = await rejection(
      Test.createTestingModule({
        imports: [ZenotiAuthModule.forRootAsync({ useFactory: () => serviceUser(mock.url) }), FeatureModule],
      }).compile(),
    );
    expect(String(error)).toMatch(/can't resolve dependencies of the CentersReader/i);
  });

  it('accepts useClass, with the factory class able to inject', async () => {
    const mock = await zenoti();
    @Injectable()
    class ZenotiConfig implements ZenotiAuthOptionsFactory {
      constructor(@Inject(ConfigService) private readonly config: ConfigService) {}
      createZenotiAuthOptions(): ZenotiAuthModuleOptions {
        return {
          baseUrl: this.config.getOrThrow<string>('ZENOTI_BASE_URL'),
          apiKey: this.config.getOrThrow('KEY'),
        };
      }
    }
    const moduleRef = await compile({
      imports: [
        ZenotiAuthModule.forRootAsync({
          imports: [
            ConfigModule.forRoot({
              ignoreEnvFile: true,
              load: [() => ({ ZENOTI_BASE_URL: mock.url, KEY: D.apiKey })],
            }),
          ],
          useClass: ZenotiConfig,
        }),
      ],
    });
    const auth = moduleRef.get(ZenotiAuth);
    expect(auth.mode).toBe('apiKey');
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect(mock.control.requests().at(-1)?.authorization).toBe(`apikey …${D.apiKey.slice(-4)}`);
  });

  it('accepts useExisting and extraProviders', async () => {
    const mock = await zenoti();
    const options: ZenotiAuthOptions = { baseUrl: mock.url, apiKey: D.apiKey };
    class StaticConfig implements ZenotiAuthOptionsFactory {
      createZenotiAuthOptions(): ZenotiAuthModuleOptions {
        return options;
      }
    }
    @Module({ providers: [StaticConfig], exports: [StaticConfig] })
    class ConfigHolder {}
    const moduleRef = await compile({
      imports: [
        ZenotiAuthModule.forRootAsync({
          imports: [ConfigHolder],
          useExisting: StaticConfig,
          extraProviders: [{ provide: 'EXTRA', useValue: 42 }],
        }),
      ],
    });
    expect(moduleRef.get(ZenotiAuth).mode).toBe('apiKey');
    expect(moduleRef.get('EXTRA', { strict: false })).toBe(42);
  });
});
