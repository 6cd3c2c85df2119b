import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Controller, Get, Injectable, NotFoundException } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { type ZenotiAuth, ZenotiAuthError } from '@zenoti-auth/core';
import type * as Main from '@zenoti-auth/nestjs';
import type * as Errors from '@zenoti-auth/nestjs/errors';
import type * as Health from '@zenoti-auth/nestjs/health';
import type * as Http from '@zenoti-auth/nestjs/http';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { D, zenoti } from './support.ts';

// The built package as a consumer gets it (here: this package's dist; in the Nest 12 job: the packed tarball).
const require = createRequire(import.meta.url);
const root = dirname(require.resolve('@zenoti-auth/nestjs/package.json'));
const dist = (file: string): string => join(root, 'dist', file);

const MAIN_EXPORTS = [
  'DEFAULT_ZENOTI_AUTH_NAME',
  'InjectZenotiAuth',
  'ZENOTI_AUTH_MODULE_OPTIONS',
  'ZenotiAuthModule',
  'getZenotiAuthToken',
];
const ERRORS_EXPORTS = [
  'ZENOTI_AUTH_ERROR_STATUS',
  'ZenotiAuthException',
  'ZenotiAuthExceptionFilter',
  'ZenotiResponseException',
  'zenotiAuthErrorOf',
];
const HTTP_EXPORTS = [
  'InjectZenotiHttpService',
  'ZENOTI_HTTP_MODULE_OPTIONS',
  'ZenotiHttpModule',
  'ZenotiHttpService',
  'getZenotiHttpServiceToken',
];
const HEALTH_EXPORTS = ['ZenotiHealthIndicator'];

interface Build {
  format: 'esm' | 'cjs';
  main: typeof Main;
  errors: typeof Errors;
  http: typeof Http;
  health: typeof Health;
}

async function builds(): Promise<Build[]> {
  return [
    {
      format: 'esm',
      main: (await import(pathToFileURL(dist('index.mjs')).href)) as typeof Main,
      errors: (await import(pathToFileURL(dist('errors.mjs')).href)) as typeof Errors,
      http: (await import(pathToFileURL(dist('http.mjs')).href)) as typeof Http,
      health: (await import(pathToFileURL(dist('health.mjs')).href)) as typeof Health,
    },
    {
      format: 'cjs',
      main: require(dist('index.cjs')) as typeof Main,
      errors: require(dist('errors.cjs')) as typeof Errors,
      http: require(dist('http.cjs')) as typeof Http,
      health: require(dist('health.cjs')) as typeof Health,
    },
  ];
}

describe('built package', () => {
  it('has ESM and CJS entries with the same, expected exports', async () => {
    for (const build of await builds()) {
      expect(Object.keys(build.main).sort(), build.format).toEqual(MAIN_EXPORTS);
      expect(Object.keys(build.errors).sort(), build.format).toEqual(ERRORS_EXPORTS);
      expect(Object.keys(build.http).sort(), build.format).toEqual(HTTP_EXPORTS);
      expect(Object.keys(build.health).sort(), build.format).toEqual(HEALTH_EXPORTS);
    }
  });

  it('the main entry needs only @nestjs/common and core: no optional peer, no other entry, no @nestjs/core', () => {
    for (const file of ['index.mjs', 'index.cjs']) {
      const code = readFileSync(dist(file), 'utf8');
      expect(code).not.toMatch(
        /["'](@nestjs\/axios|axios|@zenoti-auth\/axios|@nestjs\/core|@nestjs\/terminus)["']/,
      );
      expect(code).not.toMatch(/["']\.\/(http|errors|health)\.c?m?js["']/);
    }
    for (const file of ['errors.mjs', 'errors.cjs']) {
      const code = readFileSync(dist(file), 'utf8');
      expect(code).not.toMatch(/["'](@nestjs\/axios|axios|@zenoti-auth\/axios|@nestjs\/terminus)["']/);
      expect(code).not.toMatch(/["']\.\/(http|index|health)\.c?m?js["']/);
    }
    // The health entry: terminus, @nestjs/common and core only, no other entry.
    for (const file of ['health.mjs', 'health.cjs']) {
      const code = readFileSync(dist(file), 'utf8');
      expect(code).toMatch(/["']@nestjs\/terminus["']/);
      expect(code).not.toMatch(/["'](@nestjs\/axios|axios|@zenoti-auth\/axios|@nestjs\/core)["']/);
      expect(code).not.toMatch(/["']\.\/(http|index|errors)\.c?m?js["']/);
    }
  });

  it.each(['esm', 'cjs'] as const)(
    'keeps the decorators and resolves injected constructors (%s)',
    async (format) => {
      const build = (await builds()).find((b) => b.format === format) as Build;
      const { InjectZenotiAuth, ZenotiAuthModule, getZenotiAuthToken } = build.main;
      const { ZenotiAuthExceptionFilter } = build.errors;

      @Injectable()
      class Consumer {
        constructor(
          @InjectZenotiAuth() readonly zenoti: ZenotiAuth,
          @InjectZenotiAuth('other') readonly other: ZenotiAuth,
          @build.http.InjectZenotiHttpService() readonly http: Http.ZenotiHttpService,
        ) {}
      }

      const mock = await zenoti();
      const moduleRef = await Test.createTestingModule({
        imports: [
          ZenotiAuthModule.forRoot({ baseUrl: mock.url, apiKey: D.apiKey, isGlobal: true }),
          ZenotiAuthModule.forRoot({
            baseUrl: mock.url,
            apiKey: D.other.apiKey,
            isGlobal: true,
            name: 'other',
          }),
          build.http.ZenotiHttpModule.register(),
        ],
        providers: [Consumer, ZenotiAuthExceptionFilter],
      }).compile();
      try {
        const consumer = moduleRef.get(Consumer);
        expect(consumer.zenoti).toBe(moduleRef.get(getZenotiAuthToken()));
        expect(consumer.other).toBe(moduleRef.get(getZenotiAuthToken('other')));
        expect(consumer.zenoti.mode).toBe('apiKey');
        expect((await firstValueFrom(consumer.http.get('/v1/centers'))).status).toBe(200);
        expect((await consumer.other.fetch('/v1/centers')).status).toBe(200);
        expect(mock.control.requests().map((r) => r.authorization)).toEqual([
          `apikey …${D.apiKey.slice(-4)}`,
          `apikey …${D.other.apiKey.slice(-4)}`,
        ]);
      } finally {
        await moduleRef.close();
      }
    },
  );

  it.each(['esm', 'cjs'] as const)(
    'the filter catches what @Catch() names, through the HttpAdapterHost Nest injects (%s)',
    async (format) => {
      const build = (await builds()).find((b) => b.format === format) as Build;
      const { ZenotiAuthExceptionFilter } = build.errors;

      @Controller()
      class Failing {
        @Get('zenoti')
        zenoti(): never {
          throw new ZenotiAuthError('NETWORK', 'connection refused');
        }

        @Get('other')
        other(): never {
          throw new NotFoundException();
        }
      }

      const moduleRef = await Test.createTestingModule({
        controllers: [Failing],
        providers: [{ provide: APP_FILTER, useClass: ZenotiAuthExceptionFilter }],
      }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      try {
        await app.listen(0, '127.0.0.1');
        const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
        // The filter answers through the adapter only when Nest injected the HttpAdapterHost.
        const reply = vi.spyOn(app.get(HttpAdapterHost).httpAdapter, 'reply');
        const res = await fetch(`${url}/zenoti`);
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ code: 'NETWORK', error: 'Service Unavailable' });
        expect(reply).toHaveBeenCalledWith(
          expect.anything(),
          expect.objectContaining({ code: 'NETWORK' }),
          503,
        );
        // Other exceptions are not the filter's: @Catch(ZenotiFailure) leaves them to Nest.
        const other = await fetch(`${url}/other`);
        expect(other.status).toBe(404);
        expect(await other.json()).toMatchObject({ statusCode: 404, message: 'Not Found' });
      } finally {
        await app.close();
      }
    },
  );
});
