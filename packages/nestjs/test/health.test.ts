import 'reflect-metadata';
import { Controller, Get, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { ZenotiAuth, type ZenotiAuthOptions } from '@zenoti-auth/core';
import { healthOf, type ZenotiHealthChecks } from '@zenoti-auth/core/health';
import { InjectZenotiAuth, ZenotiAuthModule } from '@zenoti-auth/nestjs';
import { ZenotiHealthIndicator } from '@zenoti-auth/nestjs/health';
import { describe, expect, it } from 'vitest';
import { closeAfterTest, D, SECRETS, serviceUser, zenoti } from './support.ts';

/** A health controller as an app writes it: terminus's HealthCheckService and the indicator. */
@Controller('health')
class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(ZenotiHealthIndicator) private readonly zenoti: ZenotiHealthIndicator,
    @InjectZenotiAuth('keyed') private readonly keyed: ZenotiAuth,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.zenoti.isHealthy('zenoti')]);
  }

  @Get('probe')
  @HealthCheck()
  probe() {
    return this.health.check([
      () => this.zenoti.isHealthy('zenoti', { probe: true }),
      () => this.zenoti.isHealthy('keyed', { auth: this.keyed, probe: true }),
    ]);
  }
}

interface Answer {
  status: number;
  body: {
    status: string;
    info?: Record<string, Record<string, unknown>>;
    error?: Record<string, Record<string, unknown>>;
  };
  text: string;
}

/** A real Nest app (platform-express on 127.0.0.1:0) with terminus, the default engine and an API-key one. */
async function healthApp(options: ZenotiAuthOptions, keyUrl: string) {
  @Module({
    imports: [
      ZenotiAuthModule.forRoot({ ...options, isGlobal: true }),
      ZenotiAuthModule.forRoot({ name: 'keyed', baseUrl: keyUrl, apiKey: D.apiKey, isGlobal: true }),
      TerminusModule.forRoot({ logger: false }),
    ],
    controllers: [HealthController],
    providers: [ZenotiHealthIndicator],
  })
  class HealthModule {}
  const app = await NestFactory.create(HealthModule, { logger: false });
  closeAfterTest(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const get = async (path: string): Promise<Answer> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text), text };
  };
  return { get, auth: app.get(ZenotiAuth) };
}

describe('ZenotiHealthIndicator with @nestjs/terminus', () => {
  it('/health: 200 with zenoti up and no call to Zenoti; 503 with zenoti down once the password is refused', async () => {
    const z = await zenoti();
    const { get, auth } = await healthApp(serviceUser(z.url, { retry: { retries: 0 } }), z.url);
    const up = await get('/health');
    expect(up).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        info: { zenoti: { status: 'up', health: 'ok', checks: { token: { present: false } } } },
      },
    });
    expect(z.control.counters().token.total + z.control.counters().resources.total).toBe(0);

    z.control.setPassword(D.accountName, D.employee.username, 'Changed-Pass-4');
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    const down = await get('/health');
    expect(down).toMatchObject({
      status: 503,
      body: {
        status: 'error',
        error: {
          zenoti: {
            status: 'down',
            health: 'down',
            checks: { credential: { lastError: { code: 'CREDENTIALS_REJECTED' } } },
          },
        },
      },
    });
    for (const secret of [...SECRETS, 'Changed-Pass-4']) expect(up.text + down.text).not.toContain(secret);
  });

  it('/health/probe: one call per engine (a token grant, a read), no secret in the answer', async () => {
    const z = await zenoti();
    const keyZenoti = await zenoti();
    const { get, auth } = await healthApp(serviceUser(z.url), keyZenoti.url);
    const probed = await get('/health/probe');
    expect(probed).toMatchObject({
      status: 200,
      body: {
        info: {
          zenoti: { status: 'up', checks: { probe: { status: 'ok', call: 'token' } } },
          keyed: {
            status: 'up',
            checks: { probe: { status: 'ok', call: 'read' }, credential: { mode: 'apiKey' } },
          },
        },
      },
    });
    expect(z.control.counters()).toMatchObject({ token: { total: 1 }, resources: { total: 0 } });
    expect(keyZenoti.control.counters()).toMatchObject({ token: { total: 0 }, resources: { total: 1 } });
    // Times go out as core reports them: ms since the Unix epoch, the same number as health() in process.
    const expiresAt = (await healthOf(auth)).checks.token?.expiresAt;
    expect(expiresAt).toBeTypeOf('number');
    const checks = probed.body.info?.zenoti?.checks as ZenotiHealthChecks;
    expect(checks.token?.expiresAt).toBe(expiresAt);
    expect(checks.credential.lastSuccess).toBeTypeOf('number');
    const token = (await auth.authorization()).split(' ')[1] as string;
    for (const secret of [...SECRETS, token]) expect(probed.text).not.toContain(secret);
  });
});
