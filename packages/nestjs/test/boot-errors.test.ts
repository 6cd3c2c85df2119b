import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { isZenotiAuthError, ZenotiAuth, type ZenotiAuthError } from '@zenoti-auth/core';
import {
  getZenotiAuthToken,
  ZenotiAuthModule,
  type ZenotiAuthModuleOptions,
  type ZenotiAuthOptionsFactory,
} from '@zenoti-auth/nestjs';
import { ZenotiHttpModule, ZenotiHttpService } from '@zenoti-auth/nestjs/http';
import { describe, expect, it } from 'vitest';
import { closeAfterTest, D, rejection, SECRETS, zenoti } from './support.ts';

type Imports = NonNullable<Parameters<typeof Module>[0]['imports']>;

/** Starts a real Nest app (`NestFactory.create`, platform-express) importing `imports`; closed after the test. */
async function boot(imports: Imports): Promise<Awaited<ReturnType<typeof NestFactory.create>>> {
  @Module({ imports })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
  closeAfterTest(app);
  await app.init();
  return app;
}

/** The ZenotiAuthError a boot fails with; it never holds a secret. */
async function bootError(imports: Imports): Promise<ZenotiAuthError> {
  const error = await rejection(boot(imports));
  if (!isZenotiAuthError(error)) throw error;
  for (const secret of SECRETS) expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(secret);
  return error;
}

/** Factories as a config file could produce them: extras inside the options, where they do not belong. */
const untyped = (value: unknown): ZenotiAuthModuleOptions => value as ZenotiAuthModuleOptions;

describe('module extras returned by a forRootAsync factory fail start-up, saying where they belong', () => {
  it('isGlobal from useFactory: the error points to forRootAsync({ isGlobal, useFactory })', async () => {
    const mock = await zenoti();
    const error = await bootError([
      ZenotiAuthModule.forRootAsync({
        useFactory: () => untyped({ baseUrl: mock.url, apiKey: D.apiKey, isGlobal: true }),
      }),
    ]);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'isGlobal' });
    expect(error.message).toBe(
      '[@zenoti-auth/nestjs] Option "isGlobal" belongs beside useFactory in ' +
        'ZenotiAuthModule.forRootAsync({ isGlobal, useFactory, … }) (or useClass / useExisting), not in the ' +
        'options they return: Nest decides whether a module is global when it is imported, before any factory runs.',
    );
  });

  it('name and extraProviders from a useClass factory fail the same way', async () => {
    const mock = await zenoti();
    for (const [field, value] of [
      ['name', 'other'],
      ['extraProviders', []],
    ] as const) {
      @Injectable()
      class OptionsFromClass implements ZenotiAuthOptionsFactory {
        createZenotiAuthOptions(): ZenotiAuthModuleOptions {
          return untyped({ baseUrl: mock.url, apiKey: D.apiKey, [field]: value });
        }
      }
      const error = await bootError([ZenotiAuthModule.forRootAsync({ useClass: OptionsFromClass })]);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
      expect(error.message).toContain(`ZenotiAuthModule.forRootAsync({ ${field}, useFactory, … })`);
    }
  });

  it('name from a registerAsync factory of ZenotiHttpModule points to registerAsync({ name, useFactory })', async () => {
    const mock = await zenoti();
    const error = await bootError([
      ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey, isGlobal: true }),
      ZenotiHttpModule.registerAsync({ useFactory: () => ({ name: 'other' }) as object }),
    ]);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'name' });
    expect(error.message).toContain(
      'belongs beside useFactory in ZenotiHttpModule.registerAsync({ name, useFactory, … })',
    );
  });

  it('isGlobal given beside the factory makes the configuration global (the place the error names)', async () => {
    const mock = await zenoti();
    @Injectable()
    class Reader {
      constructor(readonly zenoti: ZenotiAuth) {}
    }
    @Module({ providers: [Reader] })
    class FeatureModule {}
    const app = await boot([
      ZenotiAuthModule.forRootAsync({
        isGlobal: true,
        useFactory: () => ({ baseUrl: mock.url, apiKey: D.apiKey }),
      }),
      FeatureModule,
    ]);
    expect(app.get(Reader).zenoti).toBeInstanceOf(ZenotiAuth);
  });
});

describe('two configurations of one name in an app fail start-up, naming the problem', () => {
  it('two ZenotiAuthModule.forRoot() without a name (the second would replace the first)', async () => {
    const mock = await zenoti();
    const error = await bootError([
      ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey, isGlobal: true }),
      ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.other.apiKey, isGlobal: true }),
    ]);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'name' });
    expect(error.message).toBe(
      '[@zenoti-auth/nestjs] Option "name" of ZenotiAuthModule is missing in two configurations of this app: ' +
        'both are the default one (injected as ZenotiAuth), and one would replace the other. Import one ' +
        'ZenotiAuthModule.forRoot()/forRootAsync() and share it (isGlobal: true), or give each configuration ' +
        'its own name and inject it with @InjectZenotiAuth(name).',
    );
  });

  it('a forRoot() and a forRootAsync() without a name, one of them in a feature module, not global', async () => {
    const mock = await zenoti();
    @Module({
      imports: [
        ZenotiAuthModule.forRootAsync({ useFactory: () => ({ baseUrl: mock.url, apiKey: D.apiKey }) }),
      ],
    })
    class FeatureModule {}
    const error = await bootError([
      ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey }),
      FeatureModule,
    ]);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'name' });
    expect(error.message).toContain('is missing in two configurations of this app');
  });

  it('two configurations named "other"', async () => {
    const mock = await zenoti();
    const error = await bootError([
      ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey, name: 'other' }),
      ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.other.apiKey, name: 'other' }),
    ]);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'name' });
    expect(error.message).toContain(
      'Option "name" of ZenotiAuthModule is "other" in two configurations of this app: both are injected with @InjectZenotiAuth("other")',
    );
  });

  it('distinct names, one module imported in two places, and two apps side by side all boot', async () => {
    const mock = await zenoti();
    const shared = ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey });
    @Module({ imports: [shared], exports: [shared] })
    class FeatureA {}
    @Module({ imports: [shared], exports: [shared] })
    class FeatureB {}
    const imports = (): Imports => [
      FeatureA,
      FeatureB,
      ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.other.apiKey, name: 'other' }),
    ];
    // Each app has its own set of names: the second app reuses both names without conflict.
    const [first, second] = [await boot(imports()), await boot(imports())];
    for (const app of [first, second]) {
      expect(app.get(getZenotiAuthToken(), { strict: false })).toBeInstanceOf(ZenotiAuth);
      expect(app.get(getZenotiAuthToken('other'), { strict: false })).toBeInstanceOf(ZenotiAuth);
    }
    expect(first.get(ZenotiAuth, { strict: false })).not.toBe(second.get(ZenotiAuth, { strict: false }));
  });
});

describe("ZenotiHttpModule's axiosConfig.baseURL", () => {
  it("one that differs from the engine's base URL fails start-up, naming the field", async () => {
    const mock = await zenoti();
    const error = await bootError([
      ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey, isGlobal: true }),
      ZenotiHttpModule.register({ axiosConfig: { baseURL: 'https://api.zenoti.com' } }),
    ]);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'axiosConfig.baseURL' });
    expect(error.message).toBe(
      '[@zenoti-auth/nestjs] Option "axiosConfig.baseURL" of ZenotiHttpModule differs from the engine\'s base URL ' +
        "(the baseUrl of ZenotiAuthModule's options): ZenotiHttpService always calls the engine's. Set baseUrl in " +
        "ZenotiAuthModule's options and leave axiosConfig.baseURL out.",
    );
  });

  it('the same origin (with a trailing slash) boots, from registerAsync too', async () => {
    const mock = await zenoti();
    const app = await boot([
      ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey, isGlobal: true }),
      ZenotiHttpModule.registerAsync({ useFactory: () => ({ axiosConfig: { baseURL: `${mock.url}/` } }) }),
    ]);
    expect(app.get(ZenotiHttpService).axiosRef.defaults.baseURL).toBe(mock.url);
  });

  it('a top-level axios option (not inside axiosConfig) fails start-up rather than being ignored', async () => {
    const error = await bootError([
      ZenotiAuthModule.forRoot({ baseUrl: 'http://127.0.0.1:9', apiKey: D.apiKey, isGlobal: true }),
      ZenotiHttpModule.registerAsync({ useFactory: () => ({ timeout: 5_000 }) as object }),
    ]);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'timeout' });
    expect(error.message).toContain('is not a known option of ZenotiHttpModule (it takes axiosConfig)');
  });
});
