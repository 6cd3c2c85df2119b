import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ZenotiHealthIndicator } from '@zenoti-auth/nestjs/health';

/**
 * `GET /health`: terminus's answer with the engine's health under `zenoti` — 200 while it can serve
 * calls, 503 when it cannot (a refused password, no token and a failing token endpoint …). It never
 * calls Zenoti: a probe would spend the organisation's rate limit on every poll.
 */
@Controller('health')
export class HealthController {
  // Explicit tokens: `pnpm start` runs under tsx, which emits no decorator metadata.
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(ZenotiHealthIndicator) private readonly zenoti: ZenotiHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.zenoti.isHealthy('zenoti')]);
  }
}
