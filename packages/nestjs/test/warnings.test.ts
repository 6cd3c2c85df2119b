import { createServer } from 'node:net';
import { Logger, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  MemoryTokenStore,
  type WarningListener,
  WarningRoute,
  ZenotiAuth,
  type ZenotiAuthEvent,
} from '@zenoti-auth/core';
import { getZenotiAuthToken, ZenotiAuthModule } from '@zenoti-auth/nestjs';
import { RedisTokenStore } from '@zenoti-auth/redis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeAfterTest, SECRETS, serviceUser, zenoti } from './support.ts';

// Store and engine warnings reach Nest's Logger (context ZenotiAuth), once each, and never the console.
// The console is what is under test: it is spied on (and kept quiet), not replaced.

/** Every line Nest's Logger was given, as `<level> <context> <message>`. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  #add = (level: string) => (message: unknown, context?: unknown) =>
    this.lines.push(`${level} ${String(context)} ${String(message)}`);
  log = this.#add('log');
  warn = this.#add('warn');
  error = this.#add('error');
  debug = this.#add('debug');
  verbose = this.#add('verbose');
  fatal = this.#add('fatal');
}

/** Everything written to the console from now on (not printed). */
function consoleLines(): string[] {
  const lines: string[] = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
    vi.spyOn(console, method).mockImplementation((line: unknown) => void lines.push(`${method} ${line}`));
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
  Logger.overrideLogger(false);
});

/** A loopback port nothing listens on: Redis is down. */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** A RedisTokenStore on a Redis that is down (a URL: the store opens its client), closed after the test. */
async function downRedisStore(): Promise<RedisTokenStore> {
  const store = new RedisTokenStore({
    client: `redis://127.0.0.1:${await deadPort()}`,
    prefix: 'zenoti-auth-nest-warnings:',
    commandTimeoutMs: 200,
  });
  return closeAfterTest(store);
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!check()) throw new Error(`Timed out waiting for ${what}.`);
}

const REFUSED =
  '[@zenoti-auth/redis] Redis fails: ECONNREFUSED (nothing listens at the Redis host and port). Token sets, the lock and the rate budget are not shared meanwhile; this process carries on alone.';

const ofZenotiAuth = (logger: CapturingLogger): string[] =>
  logger.lines.filter((line) => / ZenotiAuth(:\w+)? /.test(line));

describe('a Nest app whose Redis is down at start', () => {
  it('says so through its Logger, beside "successfully started", and nothing on the console', async () => {
    const printed = consoleLines();
    const mock = await zenoti();
    const store = await downRedisStore();
    @Module({ imports: [ZenotiAuthModule.forRoot(serviceUser(mock.url, { store }))] })
    class AppModule {}
    const logger = new CapturingLogger();
    const app = closeAfterTest(await NestFactory.create(AppModule, { logger }));
    await app.listen(0, '127.0.0.1');
    await until(() => logger.lines.some((line) => line.includes('Redis fails')), 'the Redis warning');
    expect(logger.lines).toContain('log NestApplication Nest application successfully started');
    expect(ofZenotiAuth(logger)).toEqual([
      expect.stringMatching(
        /^warn ZenotiAuth \[@zenoti-auth\/redis\] Token sets are stored in Redis in plain text/,
      ),
      `warn ZenotiAuth ${REFUSED}`,
    ]);

    // A call carries on without Redis; the store told the cause, and core does not tell it again.
    const auth = app.get(ZenotiAuth);
    for (let i = 0; i < 3; i++) expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect(ofZenotiAuth(logger).slice(2)).toEqual([]);
    for (const secret of SECRETS) expect(logger.lines.join('\n')).not.toContain(secret);
    expect(printed).toEqual([]);
  });

  it('logs each warning once when two configurations share the store', async () => {
    const printed = consoleLines();
    const mock = await zenoti();
    const store = await downRedisStore();
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ZenotiAuthModule.forRoot(serviceUser(mock.url, { store })),
        ZenotiAuthModule.forRoot({ ...serviceUser(mock.url, { store }), name: 'second', logEvents: true }),
      ],
    })
      .setLogger(logger)
      .compile();
    closeAfterTest(moduleRef);
    await moduleRef.init();
    for (const auth of [moduleRef.get(ZenotiAuth), moduleRef.get<ZenotiAuth>(getZenotiAuthToken('second'))])
      for (let i = 0; i < 2; i++) expect((await auth.fetch('/v1/centers')).status).toBe(200);
    await until(() => logger.lines.some((line) => line.includes('Redis fails')), 'the Redis warning');
    const warnings = ofZenotiAuth(logger).filter((line) => line.startsWith('warn '));
    expect(warnings.filter((line) => line.includes('plain text'))).toHaveLength(1);
    expect(warnings.filter((line) => line.endsWith(REFUSED))).toHaveLength(1);
    expect(warnings.filter((line) => line.includes('ECONNREFUSED'))).toHaveLength(1);
    expect(warnings.filter((line) => line.includes('Token store fails'))).toEqual([]);
    expect(printed).toEqual([]);
  });
});

describe('warnings and logEvents', () => {
  /** A store that warns through a `WarningRoute`, as RedisTokenStore does. */
  function warningStore() {
    const route = new WarningRoute();
    const store = Object.assign(new MemoryTokenStore(), {
      addWarningListener: (listener: WarningListener) => route.add(listener),
    });
    return { store, route };
  }

  it('are written whatever logEvents says, once: at WARN, and at LOG when a trouble is over', async () => {
    const printed = consoleLines();
    const mock = await zenoti();
    for (const logEvents of [undefined, false, ['warning' as const], ['token' as const], true]) {
      const { store, route } = warningStore();
      route.warn('[test] the store fails'); // before the engine: kept for it
      const logger = new CapturingLogger();
      const events: ZenotiAuthEvent[] = [];
      const moduleRef = await Test.createTestingModule({
        imports: [
          ZenotiAuthModule.forRoot({
            ...serviceUser(mock.url, { store, onEvent: (event) => events.push(event) }),
            ...(logEvents === undefined ? {} : { logEvents }),
          }),
        ],
      })
        .setLogger(logger)
        .compile();
      closeAfterTest(moduleRef);
      await moduleRef.init();
      route.warn('[test] the store answers again', 'info');
      expect(ofZenotiAuth(logger).filter((line) => line.includes('[test]'))).toEqual([
        'warn ZenotiAuth [test] the store fails',
        'log ZenotiAuth [test] the store answers again',
      ]);
      // The app's own onEvent still gets them.
      expect(events.filter((e) => e.type === 'warning').map((e) => e.type === 'warning' && e.level)).toEqual([
        'warn',
        'info',
      ]);
    }
    expect(printed).toEqual([]);
  });
});
