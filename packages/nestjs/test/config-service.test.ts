import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService, type ConfigType, registerAs } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { DEFAULT_BASE_URL, ZenotiAuth } from '@zenoti-auth/core';
import { zenotiOptionsFromEnv } from '@zenoti-auth/core/env';
import { ZenotiAuthModule, type ZenotiAuthModuleOptions } from '@zenoti-auth/nestjs';
import { serviceUserEnv as demoServiceUserEnv } from '@zenoti-auth/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAfterTest, D, rejection, zenoti } from './support.ts';

// The README as a user gets it (here: the package's; in the Nest 12 job: the packed one), and this file.
const require = createRequire(import.meta.url);
const README = readFileSync(
  join(dirname(require.resolve('@zenoti-auth/nestjs/package.json')), 'README.md'),
  'utf8',
);
const THIS_FILE = readFileSync(fileURLToPath(import.meta.url), 'utf8');

/** The `ZenotiAuthModule.forRootAsync(…)` call that starts at `from` in `text`, up to its closing parenthesis. */
function forRootAsyncCall(text: string, from: number): string {
  const start = text.indexOf('ZenotiAuthModule.forRootAsync(', from);
  let depth = 0;
  for (let i = text.indexOf('(', start); i < text.length; i++) {
    if (text[i] === '(') depth++;
    if (text[i] === ')' && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error('no complete ZenotiAuthModule.forRootAsync(…) call');
}

/** Code without comments, whitespace and trailing commas: what formatting cannot change. */
const bare = (code: string): string =>
  code
    .replace(/(^|\s)\/\/.*$/gm, '')
    .replace(/\s+/g, '')
    .replace(/,([)}\]])/g, '$1');

/** A .env file in a fresh directory; the variables ConfigModule copies from it to process.env are removed after the test. */
const written: string[] = [];
function dotEnv(variables: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'zenoti-nest-env-'));
  const file = join(dir, '.env');
  writeFileSync(
    file,
    Object.entries(variables)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
  );
  written.push(dir, ...Object.keys(variables).filter((name) => process.env[name] === undefined));
  return file;
}
afterEach(() => {
  for (const entry of written.splice(0)) {
    if (entry.startsWith(tmpdir())) rmSync(entry, { recursive: true, force: true });
    else delete process.env[entry];
  }
});

/** The service user's settings, as a deployment's .env file holds them (every value a string). */
function serviceUserEnv(url: string): Record<string, string> {
  return demoServiceUserEnv(url, { ZENOTI_TIMEOUT_MS: '5000' });
}

describe("the README's ConfigService example (real Nest module, a .env file, mock Zenoti)", () => {
  it('is the code run here, and it boots and calls Zenoti with the service user', async () => {
    const mock = await zenoti();
    const envFilePath = dotEnv(serviceUserEnv(mock.url));
    @Module({
      imports: [
        ConfigModule.forRoot({ envFilePath }),
        // README: begin (the README's `ZenotiAuthModule.forRootAsync` call with ConfigService.get, as written there)
        ZenotiAuthModule.forRootAsync({
          isGlobal: true,
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            baseUrl: config.get<string>('ZENOTI_BASE_URL', DEFAULT_BASE_URL),
            app: {
              accountName: config.getOrThrow<string>('ZENOTI_ACCOUNT_NAME'),
              appId: config.getOrThrow<string>('ZENOTI_APP_ID'),
              appSecret: config.getOrThrow<string>('ZENOTI_APP_SECRET'),
            },
            user: {
              username: config.getOrThrow<string>('ZENOTI_USERNAME'),
              password: config.getOrThrow<string>('ZENOTI_PASSWORD'),
            },
            // Every value from .env is a string: convert numbers yourself.
            timeoutMs: Number(config.get<string>('ZENOTI_TIMEOUT_MS', '10000')),
          }),
        }),
      ],
    })
    class AppModule {}

    const readme = forRootAsyncCall(
      README,
      README.indexOf('<!-- This block is run by test/config-service.test.ts'),
    );
    expect(bare(readme)).toBe(bare(forRootAsyncCall(THIS_FILE, THIS_FILE.indexOf('// README: begin'))));

    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    closeAfterTest(moduleRef);
    await moduleRef.init();
    const auth = moduleRef.get(ZenotiAuth);
    expect(auth.toJSON()).toMatchObject({ mode: 'token', baseUrl: mock.url, accountName: D.accountName });
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect(mock.control.counters().token.password.ok).toBe(1);
  });

  it('the mistakes its note warns of fail start-up naming the option: get<number>() of a .env string, an unset get<string>()', async () => {
    const envFilePath = dotEnv(serviceUserEnv('http://127.0.0.1:9'));
    // `ConfigService<Env, true>` types get<T>() as T: both mistakes compile, as they do in apps.
    type ValidatedConfig = ConfigService<Record<string, unknown>, true>;
    const withFactory = (useFactory: (config: ValidatedConfig) => ZenotiAuthModuleOptions) =>
      Test.createTestingModule({
        imports: [
          ConfigModule.forRoot({ envFilePath }),
          ZenotiAuthModule.forRootAsync({ imports: [ConfigModule], inject: [ConfigService], useFactory }),
        ],
      }).compile();
    const number = await rejection(
      withFactory((config) => ({
        baseUrl: config.getOrThrow<string>('ZENOTI_BASE_URL'),
        apiKey: D.apiKey,
        timeoutMs: config.get<number>('ZENOTI_TIMEOUT_MS'), // '5000', typed as a number
      })),
    );
    expect(number).toMatchObject({ code: 'INVALID_OPTIONS', field: 'timeoutMs' });
    const unset = await rejection(
      withFactory((config) => ({
        baseUrl: config.getOrThrow<string>('ZENOTI_BASE_URL'),
        apiKey: config.get<string>('ZENOTI_API_KEY'), // not in the .env: undefined, typed as a string
      })),
    );
    expect(unset).toMatchObject({ code: 'INVALID_OPTIONS', field: 'apiKey' });
  });

  it('the registerAs example with zenotiOptionsFromEnv(process.env) is the code run here; it boots and calls Zenoti', async () => {
    const mock = await zenoti();
    const { ZENOTI_TIMEOUT_MS: _, ...variables } = serviceUserEnv(mock.url);
    const envFilePath = dotEnv(variables);
    // README: registerAs (as written there)
    const zenotiConfig = registerAs('zenoti', () => zenotiOptionsFromEnv(process.env));
    @Module({
      imports: [
        ConfigModule.forRoot({ envFilePath }),
        // README: begin registerAs (the README's `ZenotiAuthModule.forRootAsync` call with registerAs, as written there)
        ZenotiAuthModule.forRootAsync({
          isGlobal: true,
          imports: [ConfigModule.forFeature(zenotiConfig)],
          inject: [zenotiConfig.KEY],
          useFactory: (zenoti: ConfigType<typeof zenotiConfig>) => ({
            ...zenoti,
            logEvents: ['token', 'error'],
          }),
        }),
      ],
    })
    class AppModule {}

    const example = README.slice(README.indexOf('// zenoti.config.ts'));
    expect(example).toContain(
      "export const zenotiConfig = registerAs('zenoti', () => zenotiOptionsFromEnv(process.env));",
    );
    expect(bare(forRootAsyncCall(example, 0))).toBe(
      bare(forRootAsyncCall(THIS_FILE, THIS_FILE.indexOf('// README: begin registerAs'))),
    );

    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    closeAfterTest(moduleRef);
    await moduleRef.init();
    const auth = moduleRef.get(ZenotiAuth);
    expect(auth.toJSON()).toMatchObject({ mode: 'token', baseUrl: mock.url, accountName: D.accountName });
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
  });

  it('with registerAs, a variable missing from .env fails start-up naming it', async () => {
    const { ZENOTI_APP_SECRET: _, ...variables } = serviceUserEnv('http://127.0.0.1:9');
    const envFilePath = dotEnv(variables);
    const zenotiConfig = registerAs('zenoti', () => zenotiOptionsFromEnv(process.env));
    const error = await rejection(
      Test.createTestingModule({
        imports: [
          ConfigModule.forRoot({ envFilePath }),
          ZenotiAuthModule.forRootAsync({ isGlobal: true, ...zenotiConfig.asProvider() }),
        ],
      }).compile(),
    );
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'ZENOTI_APP_SECRET' });
  });
});

describe("the README's install line", () => {
  /** `@nestjs/<name>` → the major it names, from the README's `npm i` lines (`undefined`: no version named). */
  function namedMajors(): Map<string, number | undefined> {
    const majors = new Map<string, number | undefined>();
    for (const line of README.match(/^npm i .*$/gm) ?? [])
      for (const [, name, major] of line.matchAll(/(@nestjs\/[\w-]+)(?:@\^(\d+))?/g))
        majors.set(name as string, major === undefined ? undefined : Number(major));
    return majors;
  }

  it('names a major of every Nest package, one this package supports and Node 20 runs (not 12)', () => {
    const majors = namedMajors();
    expect([...majors.keys()].sort()).toEqual([
      '@nestjs/axios',
      '@nestjs/common',
      '@nestjs/config',
      '@nestjs/core',
      '@nestjs/platform-express',
      '@nestjs/terminus',
    ]);
    const { peerDependencies } = require('@zenoti-auth/nestjs/package.json') as {
      peerDependencies: Record<string, string>;
    };
    for (const [name, major] of majors) {
      expect(major, name).toBeDefined();
      expect(major, name).not.toBe(12);
      const peer = peerDependencies[name === '@nestjs/platform-express' ? '@nestjs/core' : name];
      if (peer !== undefined) expect(peer.split(' || '), name).toContain(`^${major}`);
    }
    // One Nest: common, core and the platform of the same major.
    expect(majors.get('@nestjs/core')).toBe(majors.get('@nestjs/common'));
    expect(majors.get('@nestjs/platform-express')).toBe(majors.get('@nestjs/common'));
  });

  it('says that Nest 12 needs Node 22', () => {
    const install = README.slice(README.indexOf('## Install'), README.indexOf('## Usage'));
    expect(install).toMatch(/Nest, 12, which needs \*\*Node 22\*\*/);
  });
});
