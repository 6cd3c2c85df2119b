import { Controller, Get, Inject, Logger, type LoggerService, Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { MemoryTokenStore, type RateLimitPolicy, ZenotiAuth, type ZenotiAuthEvent } from '@zenoti-auth/core';
import { MemoryRateBudget } from '@zenoti-auth/core/rate-budget';
import { ZenotiAuthModule } from '@zenoti-auth/nestjs';
import { ZenotiAuthExceptionFilter } from '@zenoti-auth/nestjs/errors';
import { ZenotiHttpModule, ZenotiHttpService } from '@zenoti-auth/nestjs/http';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAfterTest, D, zenoti } from './support.ts';

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
}

afterEach(() => {
  Logger.overrideLogger(false);
});

/** The demo API key against `url`, with `rateLimit` and logEvents (and `onEvent`, when given). */
function keyOptions(url: string, rateLimit: RateLimitPolicy, onEvent?: (event: ZenotiAuthEvent) => void) {
  const options = {
    apiKey: D.apiKey,
    baseUrl: url,
    store: new MemoryTokenStore(),
    rateLimit,
    logEvents: true,
  };
  return onEvent ? { ...options, onEvent } : options;
}

@Controller()
class CentersController {
  constructor(@Inject(ZenotiHttpService) private readonly http: ZenotiHttpService) {}

  @Get('centers')
  async centers(): Promise<unknown> {
    return (await firstValueFrom(this.http.get('/v1/centers'))).data;
  }
}

/** A Nest app (platform-express) serving `GET /centers` through ZenotiHttpService; its URL. */
async function centersApp(options: ReturnType<typeof keyOptions>, logger: LoggerService): Promise<string> {
  @Module({
    imports: [ZenotiAuthModule.forRoot({ ...options, isGlobal: true }), ZenotiHttpModule.register()],
    controllers: [CentersController],
    providers: [{ provide: APP_FILTER, useClass: ZenotiAuthExceptionFilter }],
  })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger });
  await app.listen(0, '127.0.0.1');
  closeAfterTest(app);
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

describe('ZenotiHttpService with a rate budget (real Nest app, real HTTP)', () => {
  it("paces a burst beyond Zenoti's window limit: every answer 200, none 429 at Zenoti; events report the queue", async () => {
    const mock = await zenoti({ rateLimit: { limit: 4, windowSeconds: 1 } });
    const events: ZenotiAuthEvent[] = [];
    const budget = new MemoryRateBudget({ limit: 4, intervalMs: 1_000 });
    const logger = new CapturingLogger();
    const url = await centersApp(
      keyOptions(mock.url, { budget }, (e) => events.push(e)),
      logger,
    );

    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await fetch(`${url}/centers`)).status),
    );
    const seconds = (Date.now() - started) / 1_000;
    expect(statuses).toEqual(Array(10).fill(200));
    expect(mock.control.counters().resources.byStatus).toEqual({ '200': 10 });
    // 10 calls at 4 a window: three windows, so at least two refills.
    expect(seconds).toBeGreaterThanOrEqual(1.9);

    // Six calls waited for their permit: each was told how long, and how many still waited.
    const waited = events.filter((e) => e.type === 'rateLimit' && e.waitedMs !== undefined);
    expect(waited).toHaveLength(6);
    expect(waited.every((e) => e.type === 'rateLimit' && typeof e.queued === 'number')).toBe(true);
    expect(Math.max(...waited.map((e) => (e.type === 'rateLimit' && e.queued) || 0))).toBeGreaterThan(0);
    // logEvents: the waits and Zenoti's reports at DEBUG, none at LOG or WARN.
    const rateLines = logger.lines.filter((line) => line.includes(' rate limit: '));
    expect(rateLines.filter((line) => line.includes('for a permit'))).toHaveLength(6);
    expect(rateLines.length).toBeGreaterThan(6);
    expect(rateLines.every((line) => line.startsWith('debug ZenotiAuth rate limit: '))).toBe(true);
  });

  it('a wait past maxWaitMs is answered 429 RATE_LIMITED with Retry-After (ZenotiAuthExceptionFilter); nothing is sent', async () => {
    const mock = await zenoti();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 60_000 });
    const url = await centersApp(keyOptions(mock.url, { budget, maxWaitMs: 1_000 }), new CapturingLogger());
    expect((await fetch(`${url}/centers`)).status).toBe(200);
    const res = await fetch(`${url}/centers`);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(58);
    expect(await res.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(mock.control.counters().resources.total).toBe(1);
  });
});

describe('logEvents and rate-limit events', () => {
  it("logs Zenoti's report on every call at DEBUG, a 429 that fails the call at WARN", async () => {
    const mock = await zenoti({ rateLimit: { limit: 1, windowSeconds: 60 } });
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [ZenotiAuthModule.forRoot(keyOptions(mock.url, {}))],
    })
      .setLogger(logger)
      .compile();
    closeAfterTest(moduleRef);
    await moduleRef.init();
    const auth = moduleRef.get(ZenotiAuth);
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    // The next call gets 429 with a minute's Retry-After: past maxWaitMs, so it fails.
    await expect(auth.fetch('/v1/centers')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(logger.lines.filter((line) => line.includes(' rate limit: '))).toEqual([
      'debug ZenotiAuth rate limit: 0 calls left, window resets in 60 s',
      'warn ZenotiAuth rate limit: Zenoti answered 429, retry after 60000 ms',
    ]);
  });
});
