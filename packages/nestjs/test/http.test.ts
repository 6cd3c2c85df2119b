import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { MemoryTokenStore, redactAuthorization, ZenotiAuth } from '@zenoti-auth/core';
import { ZenotiAuthModule } from '@zenoti-auth/nestjs';
import { InjectZenotiHttpService, ZenotiHttpModule, ZenotiHttpService } from '@zenoti-auth/nestjs/http';
import type { AxiosInstance } from 'axios';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { compile, D, otherServiceUser, rejection, serviceUser, TestClock, zenoti } from './support.ts';

interface Centers {
  centers: Array<{ id: string }>;
}

/** Installed request/response interceptors of an axios instance (ejected ones are null). */
function interceptorCount(instance: AxiosInstance): { request: number; response: number } {
  const live = (manager: unknown): number =>
    ((manager as { handlers: unknown[] }).handlers ?? []).filter((h) => h !== null).length;
  return { request: live(instance.interceptors.request), response: live(instance.interceptors.response) };
}

@Injectable()
class CentersClient {
  constructor(
    @InjectZenotiHttpService() readonly http: ZenotiHttpService,
    @InjectZenotiHttpService('other') readonly otherHttp: ZenotiHttpService,
  ) {}
}

describe('ZenotiHttpService', () => {
  it('is the injected HttpService whose own axios instance carries the interceptors and baseURL', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [
        ZenotiAuthModule.forRoot({ ...serviceUser(mock.url), isGlobal: true }),
        ZenotiHttpModule.register(),
      ],
    });
    const http = moduleRef.get(ZenotiHttpService);
    expect(http.axiosRef.defaults.baseURL).toBe(mock.url);
    // zenoti-auth's pair, and the response interceptor that marks the service's errors as its own.
    expect(interceptorCount(http.axiosRef)).toEqual({ request: 1, response: 2 });
    expect(http.zenoti).toBe(moduleRef.get(ZenotiAuth));

    const res = await firstValueFrom(http.get<Centers>('/v1/centers'));
    expect(res.status).toBe(200);
    expect(res.data.centers).toHaveLength(3);
    const [request] = mock.control.requests().filter((r) => r.path === '/v1/centers');
    expect(request?.authorization).toBe(redactAuthorization(await http.zenoti.authorization()));
    expect(request?.authorization).toMatch(/^bearer …/);
  });

  it('200 concurrent calls at token expiry cause one token call', async () => {
    const clock = new TestClock();
    const mock = await zenoti({ now: clock.now });
    const moduleRef = await compile({
      imports: [
        ZenotiAuthModule.forRoot({ ...serviceUser(mock.url, { now: clock.now }), isGlobal: true }),
        ZenotiHttpModule.register({ axiosConfig: { timeout: 10_000 } }),
      ],
    });
    const http = moduleRef.get(ZenotiHttpService);
    await firstValueFrom(http.get('/v1/centers')); // the first token
    expect(mock.control.counters().token.total).toBe(1);

    clock.advance(24 * 60 * 60 * 1000 + 1); // the access token has expired, on both clocks
    const before = mock.control.counters();
    const results = await Promise.all(
      Array.from({ length: 200 }, () => firstValueFrom(http.get<Centers>('/v1/centers'))),
    );
    const after = mock.control.counters();
    expect(results.every((r) => r.status === 200 && r.data.centers.length === 3)).toBe(true);
    expect(after.token.total - before.token.total).toBe(1);
    expect(after.token.refresh.ok - before.token.refresh.ok).toBe(1);
    expect((after.resources.byStatus['401'] ?? 0) - (before.resources.byStatus['401'] ?? 0)).toBe(0);
    console.log(
      `200 concurrent ZenotiHttpService calls at expiry: ${after.token.total - before.token.total} token call, ` +
        `${(after.resources.byStatus['200'] ?? 0) - (before.resources.byStatus['200'] ?? 0)} × 200`,
    );
  });

  it('named services use their own configuration, and register() without a name the default', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [
        ZenotiAuthModule.forRoot({ ...serviceUser(mock.url), isGlobal: true }),
        ZenotiAuthModule.forRoot({ ...otherServiceUser(mock.url), isGlobal: true, name: 'other' }),
        ZenotiHttpModule.register(),
        ZenotiHttpModule.register({ name: 'other' }),
      ],
      providers: [CentersClient],
    });
    const { http, otherHttp } = moduleRef.get(CentersClient);
    expect(http).not.toBe(otherHttp);
    expect(http.axiosRef).not.toBe(otherHttp.axiosRef);
    await firstValueFrom(http.get('/v1/centers'));
    await firstValueFrom(otherHttp.get('/v1/centers'));
    const sent = mock.control
      .requests()
      .filter((r) => r.path === '/v1/centers')
      .map((r) => r.authorization);
    expect(new Set(sent).size).toBe(2);
    expect(sent[1]).toBe(redactAuthorization(await otherHttp.zenoti.authorization()));
  });

  it('registerAsync takes axios defaults from ConfigService; imports brings a non-global ZenotiAuthModule', async () => {
    const mock = await zenoti();
    const auth = ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey });
    @Module({
      imports: [
        ZenotiHttpModule.registerAsync({
          imports: [auth, ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ TIMEOUT: 4321 })] })],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            axiosConfig: { timeout: config.getOrThrow<number>('TIMEOUT'), headers: { 'x-app': 'demo' } },
          }),
        }),
      ],
    })
    class FeatureModule {}
    const moduleRef = await compile({ imports: [FeatureModule] });
    const http = moduleRef.get(ZenotiHttpService, { strict: false });
    expect(http.axiosRef.defaults.timeout).toBe(4321);
    expect((await firstValueFrom(http.get('/v1/centers'))).status).toBe(200);
    const [request] = mock.control.requests();
    expect(request?.authorization).toBe(`apikey …${D.apiKey.slice(-4)}`);
    expect(request?.headerNames).toContain('x-app');
  });

  it('register({ imports }) also works with a non-global ZenotiAuthModule', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [
        ZenotiHttpModule.register({
          imports: [ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey })],
        }),
      ],
    });
    expect((await firstValueFrom(moduleRef.get(ZenotiHttpService).get('/v1/centers'))).status).toBe(200);
  });

  it('{ zenoti: { skip: true } } sends no credential; an axiosConfig.baseURL equal to the engine’s is accepted', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [
        ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey, isGlobal: true }),
        ZenotiHttpModule.register({ axiosConfig: { baseURL: `${mock.url}/` } }),
      ],
    });
    const http = moduleRef.get(ZenotiHttpService);
    expect(http.axiosRef.defaults.baseURL).toBe(mock.url);
    const error = await rejection(firstValueFrom(http.get('/v1/centers', { zenoti: { skip: true } })));
    expect(error).toMatchObject({ response: { status: 401 } });
    expect(mock.control.requests()[0]?.authorization).toBeUndefined();
  });

  it('without a ZenotiAuth in scope, init fails naming the missing configuration', async () => {
    const error = await rejection(compile({ imports: [ZenotiHttpModule.register({ name: 'nowhere' })] }));
    expect(String(error)).toContain('ZenotiAuth:nowhere');
  });

  it('an axiosConfig that is not an object fails init, naming the field', async () => {
    const error = await rejection(
      compile({
        imports: [
          ZenotiAuthModule.forRoot({ baseUrl: 'http://127.0.0.1:9', apiKey: D.apiKey, isGlobal: true }),
          ZenotiHttpModule.registerAsync({
            useFactory: () => ({ axiosConfig: 'fast' as unknown as object }),
          }),
        ],
      }),
    );
    expect(error).toMatchObject({
      code: 'INVALID_OPTIONS',
      field: 'axiosConfig',
      message: '[@zenoti-auth/nestjs] Option "axiosConfig" of ZenotiHttpModule must be an object.',
    });
  });

  it('ejects its interceptors on application shutdown', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [
        ZenotiAuthModule.forRoot({
          baseUrl: mock.url,
          apiKey: D.apiKey,
          store: new MemoryTokenStore(),
          isGlobal: true,
        }),
        ZenotiHttpModule.register(),
      ],
    });
    const instance = moduleRef.get(ZenotiHttpService).axiosRef;
    await moduleRef.close();
    expect(interceptorCount(instance)).toEqual({ request: 0, response: 0 });
  });
});
